// The profile's Sessions card from outside, in three browsers signed in as one user: the list says
// which is this device, "Sign out" ends one other session and "Sign out other sessions" the rest; a
// browser whose session was ended lands on /login at its next navigation.
import type { Browser, Page } from "@playwright/test";
import { expect, test, withHydration } from "./fixtures";
import { enterPassword, signUp } from "./helpers";
import { SERVERS } from "./ports";
import { readmeScreenshot } from "./screenshots";

const FIREFOX_MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:128.0) Gecko/20100101 Firefox/128.0";
const EDGE_WINDOWS =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0";

// RIPE NCC's web server: a public address the country database places in the Netherlands.
const RIPE_NCC = "193.0.6.139";
const octet = () => Math.floor(Math.random() * 250) + 1;

/** Another browser (its own cookies, user agent and client address) signed in as `email`. */
async function otherBrowser(
  browser: Browser,
  baseURL: string | undefined,
  email: string,
  userAgent: string,
  ip = `10.${octet()}.${octet()}.${octet()}`,
) {
  const page = withHydration(await (await browser.newContext({ baseURL, userAgent })).newPage());
  await page.setExtraHTTPHeaders({ "x-forwarded-for": ip });
  await enterPassword(page, email);
  await expect(page).toHaveURL(/\/profile$/);
  return { page, ip };
}

const card = (page: Page) => page.getByRole("region", { name: "Sessions" });
const row = (page: Page, text: string) => card(page).getByRole("listitem").filter({ hasText: text });

// The same journey on both production servers (the embedded database and PostgreSQL).
for (const server of SERVERS)
  test.describe(server.name, () => {
    test.use({ baseURL: server.baseURL });
    // The README shows the embedded-database run's picture.
    const inReadme = server === SERVERS[0];

    test("the Sessions card: This device, Sign out one session, Sign out other sessions", async ({
      page,
      browser,
      baseURL,
    }) => {
      test.setTimeout(120_000);
      const email = await signUp(page, "Many Browsers");
      const firefox = await otherBrowser(browser, baseURL, email, FIREFOX_MAC, RIPE_NCC);
      const edge = await otherBrowser(browser, baseURL, email, EDGE_WINDOWS);

      await page.reload();
      await expect(card(page).getByRole("listitem")).toHaveCount(3);
      await expect(card(page).getByText("This device")).toHaveCount(1);
      const mine = card(page).getByRole("listitem").filter({ hasText: "This device" });
      await expect(mine).not.toContainText("Firefox");
      await expect(mine).not.toContainText("Edge");
      await expect(mine.getByRole("button")).toHaveCount(0); // this browser signs out with the menu's Sign out
      await expect(row(page, "Firefox on macOS")).toContainText(`IP ${firefox.ip} (Netherlands)`);
      await expect(row(page, "Microsoft Edge on Windows")).toContainText(`IP ${edge.ip} (Local network)`);
      await expect(row(page, "Firefox on macOS")).toContainText(/Signed in \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
      await expect(row(page, "Firefox on macOS")).toContainText(/Last active (just now|\d+ minutes? ago)/);
      await readmeScreenshot(card(page), inReadme ? "sessions" : "sessions-postgres", { inReadme });

      // Each browser sees itself as "This device".
      await firefox.page.reload();
      await expect(row(firefox.page, "This device")).toContainText("Firefox on macOS");

      // Sign out one session: Edge's next navigation lands on /login; Firefox carries on.
      await row(page, "Microsoft Edge on Windows")
        .getByRole("button", { name: /^Sign out Microsoft Edge/ })
        .click();
      await expect(card(page).getByRole("status")).toHaveText("Signed out Microsoft Edge on Windows.");
      await expect(card(page).getByRole("listitem")).toHaveCount(2);
      await edge.page.goto("/settings/users");
      await expect(edge.page).toHaveURL(/\/login/);
      expect((await edge.page.request.get("/api/me")).status()).toBe(401);
      await firefox.page.goto("/settings/users");
      await expect(firefox.page).toHaveURL(/\/settings\/users$/);

      // Sign out other sessions, after Confirm in a dialog: Firefox ends, this browser stays.
      await card(page).getByRole("button", { name: "Sign out other sessions" }).click();
      const dialog = page.getByRole("dialog", { name: "Sign out other sessions?" });
      await expect(dialog).toContainText("1 session");
      await expect(dialog).toContainText("Any password-reset link sent to you stops working");
      if (inReadme) await readmeScreenshot(dialog, "sign-out-others", { inReadme: false });
      await dialog.getByRole("button", { name: "Sign out other sessions" }).click();
      await expect(dialog).toBeHidden();
      await expect(card(page).getByRole("status")).toHaveText("Your other sessions were signed out.");
      await expect(card(page).getByRole("listitem")).toHaveCount(1);
      await expect(card(page).getByRole("button", { name: "Sign out other sessions" })).toHaveCount(0);

      await firefox.page.goto("/profile");
      await expect(firefox.page).toHaveURL(/\/login/);
      expect((await firefox.page.request.get("/api/me")).status()).toBe(401);
      await page.reload();
      await expect(page).toHaveURL(/\/profile$/);
      await expect(row(page, "This device")).toBeVisible();
    });
  });
