import { expect, test } from "./fixtures";
import { signUp } from "./helpers";

// A router refresh (every dialog's close, every saved setting) must never leave the document without a
// title, not even between two renders: a screen reader reads it, and axe checks it whenever a dialog
// happens to be open while a refresh lands. The <title> element itself must survive the refresh: one
// that is replaced is missing until its replacement has streamed in, which on a busy server is later.
test("the document keeps its title, and its <title> element, through router refreshes", async ({ page }) => {
  await signUp(page, "Title Keeper");
  await page.goto("/settings/authentication");
  await page.evaluate(() => {
    const w = window as unknown as { untitled: number; titleElement: Element | null };
    w.untitled = 0;
    w.titleElement = document.querySelector("title");
    new MutationObserver(() => {
      if (document.title === "") w.untitled++;
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  const enforce = page.getByRole("switch", { name: "Enforce Two Factor Authentication" });
  for (let i = 0; i < 5; i++) {
    await enforce.click();
    const prompt = page.getByRole("dialog", { name: "Protect your own login first" });
    await expect(prompt).toBeVisible();
    await prompt.getByRole("button", { name: "Cancel" }).click(); // closes and refreshes the page
    await expect(prompt).toBeHidden();
    await page.waitForLoadState("networkidle");
  }
  const after = await page.evaluate(() => {
    const w = window as unknown as { untitled: number; titleElement: Element | null };
    return { untitled: w.untitled, sameElement: document.querySelector("title") === w.titleElement };
  });
  expect(after).toEqual({ untitled: 0, sameElement: true });
  expect(await page.title()).toBe("Authentication · Twofold");
  expect(await page.locator("title").count()).toBe(1);
});
