// "Don't ask again on this device" from outside: honoured in the browser that ticked it and only
// there, listed on /profile, and asked again once that browser is forgotten.
import type { Page } from "@playwright/test";
import { expect, test, withHydration } from "./fixtures";
import { asOwnClient, enrol, enterPassword, signOut, signUp } from "./helpers";
import { SERVERS } from "./ports";
import { readmeScreenshot } from "./screenshots";

const codeField = (page: Page) => page.getByLabel("Authentication code");
const card = (page: Page) => page.getByRole("region", { name: "Remembered devices" });

// Honoured and forgotten on both production servers (the embedded database and PostgreSQL).
for (const server of SERVERS)
  test.describe(server.name, () => {
    test.use({ baseURL: server.baseURL });
    // The README shows the embedded-database run's pictures; the other server's are kept beside them.
    const inReadme = server === SERVERS[0];
    const shot = (name: string) => (inReadme ? name : `${name}-postgres`);

    test("a remembered browser signs in with the password alone, others are asked, Forget ends it", async ({
      page,
      browser,
      baseURL,
    }) => {
      test.setTimeout(120_000);
      const email = await signUp(page, "Remembered");
      const { app } = await enrol(page);
      await signOut(page);

      // Sign in with a code, ticking the box.
      await enterPassword(page, email);
      await expect(codeField(page)).toBeVisible();
      const remember = page.getByRole("checkbox", { name: /Don't ask again on this device for 30 days/ });
      await expect(remember).not.toBeChecked();
      await remember.check();
      await codeField(page).fill(await app.nextCode());
      await readmeScreenshot(page, shot("remember-device"), {
        inReadme,
        clip: { x: 400, y: 170, width: 480, height: 470 },
      });
      await page.getByRole("button", { name: "Verify" }).click();
      await expect(page).toHaveURL(/\/profile$/);
      await expect(card(page).getByRole("listitem")).toHaveCount(1);
      const row = card(page).getByRole("listitem").first();
      await expect(row).toContainText("This device");
      await expect(row).toContainText(/Chrome on \w+/);
      await expect(row).toContainText(
        /IP 10\.\d+\.\d+\.\d+ \(Local network\) · Last used just now · Remembered until \d{4}-\d\d-\d\d/,
      );
      await readmeScreenshot(card(page), shot("remembered-devices"), { inReadme });

      // Signed out and in again in this browser: the password alone, no code asked.
      await signOut(page);
      await enterPassword(page, email);
      await expect(page).toHaveURL(/\/profile$/);
      await expect(page.getByRole("heading", { name: "Profile" })).toBeVisible();

      // Another browser (its own cookies) is asked for the code, and offered the box.
      const other = withHydration(await (await browser.newContext({ baseURL })).newPage());
      await asOwnClient(other);
      await enterPassword(other, email);
      await expect(codeField(other)).toBeVisible();
      await expect(other.getByRole("checkbox", { name: /Don't ask again on this device/ })).toBeVisible();
      await other.context().close();

      // Forget it on /profile: this browser is asked for the code again.
      await card(page)
        .getByRole("button", { name: /^Forget Chrome/ })
        .click();
      await expect(card(page).getByText(/It will ask for a second factor again/)).toBeVisible();
      await expect(card(page).getByRole("listitem")).toHaveCount(0);
      await signOut(page);
      await enterPassword(page, email);
      await expect(codeField(page)).toBeVisible();
    });
  });

test("an account that allows 0 days hides the box; the setting is saved and shown; longer asks for a second factor", async ({
  page,
}) => {
  test.setTimeout(180_000); // three codes, each in its own 30-second step
  const email = await signUp(page, "Strict Owner");
  const { app } = await enrol(page);
  await page.goto("/settings/authentication");
  const days = page.getByLabel("Remember devices for (days)");
  await expect(days).toHaveValue("30");
  await days.fill("91");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByText("Use at most 90 days.")).toBeVisible();
  await days.fill("0");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByText("Saved. Members must always enter a second factor.")).toBeVisible();

  // Enforced, the account's 0 days applies to its members (this owner included).
  const enforce = page.getByRole("switch", { name: "Enforce Two Factor Authentication" });
  await enforce.click();
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(enforce).toBeChecked();
  await page.reload();
  await expect(page.getByLabel("Remember devices for (days)")).toHaveValue("0");
  await signOut(page);
  await enterPassword(page, email);
  await expect(codeField(page)).toBeVisible();
  await expect(page.getByRole("checkbox", { name: /Don't ask again/ })).toHaveCount(0);
  await codeField(page).fill(await app.nextCode());
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page).toHaveURL(/\/profile$/);

  // Longer again lowers the account's protection: the owner's second factor first; Cancel saves nothing.
  await page.goto("/settings/authentication");
  await page.getByLabel("Remember devices for (days)").fill("14");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  const longer = page.getByRole("dialog", { name: "Remember devices for longer?" });
  await expect(longer).toContainText("for up to 14 days");
  await longer.getByRole("button", { name: "Cancel" }).click();
  await expect(longer).toBeHidden();
  await page.reload();
  await expect(page.getByLabel("Remember devices for (days)")).toHaveValue("0");
  await page.getByLabel("Remember devices for (days)").fill("14");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await readmeScreenshot(page, "remember-days-longer", { inReadme: false });
  await longer.getByLabel("6-digit code from your authenticator app").fill(await app.nextCode());
  await longer.getByRole("button", { name: "Save" }).click();
  await expect(longer).toBeHidden();
  await expect(page.getByText("Saved. Devices are remembered for up to 14 days.")).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("Remember devices for (days)")).toHaveValue("14");
});
