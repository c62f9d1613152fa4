import type { Browser, Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import {
  acceptAsNewUser,
  enrol,
  enrolInOpenDialog,
  enterPassword,
  errorAlert,
  invite,
  newClientPage,
  newEmail,
  onPostgresApp,
  POSTGRES_APP,
  readMail,
  signOut,
  signUp,
} from "./helpers";
import { readmeScreenshot } from "./screenshots";

/** The owner invites a new member, who joins in their own browser and signs out again. */
async function addMember(owner: Page, browser: Browser, baseURL: string | undefined, name: string) {
  const email = newEmail(name);
  const link = await invite(owner, email);
  const member = await newClientPage(browser, baseURL);
  await acceptAsNewUser(member, link, name);
  await expect(member).toHaveURL(/\/profile$/);
  await signOut(member);
  return { email, member };
}

test("the Harness flow: protect your own login first, confirm, and the member is forced to enrol", async ({
  page,
  browser,
  baseURL,
}) => {
  test.setTimeout(120_000);
  await signUp(page, "Owner");
  const { email: memberEmail, member } = await addMember(page, browser, baseURL, "Member");

  await page.goto("/settings/authentication");
  await expect(page.getByTestId("protection-summary")).toHaveText("0 of 2 members protected");
  await page.getByRole("switch", { name: "Enforce Two Factor Authentication" }).click();
  const ownFirst = page.getByRole("dialog", { name: "Protect your own login first" });
  await expect(ownFirst).toBeVisible();
  await readmeScreenshot(page, "enforce-own-first");
  await ownFirst.getByRole("link", { name: "Go to settings" }).click();
  await expect(page).toHaveURL(/\/profile\?enrol=1/);
  await enrolInOpenDialog(page);
  await expect(page).toHaveURL(/\/settings\/authentication$/);
  await expect(page.getByTestId("protection-summary")).toHaveText("1 of 2 members protected");

  await page.getByRole("switch", { name: "Enforce Two Factor Authentication" }).click();
  const confirm = page.getByRole("dialog", { name: "Enforce Two Factor Authentication?" });
  await expect(confirm.getByTestId("enforce-consequence")).toHaveText(
    "1 member does not use two-factor authentication yet; they will be emailed and must set it up at their next sign-in.",
  );
  await readmeScreenshot(page, "enforce-confirm");
  await confirm.getByRole("button", { name: "Confirm" }).click();
  await expect(confirm).toBeHidden();
  await expect(page.getByRole("switch", { name: "Enforce Two Factor Authentication" })).toBeChecked();

  const notice = await readMail(memberEmail, "requires two-factor authentication");
  expect(notice.text).toContain("/login");
  expect(notice.text).not.toMatch(/otpauth|secret=/i);

  await enterPassword(member, memberEmail);
  await expect(member.getByRole("dialog", { name: "Enable Two-Factor Authentication" })).toBeVisible(); // the sign-in page behind it says why
  expect((await member.request.get("/api/me")).status()).toBe(401);
  await enrolInOpenDialog(member);
  await expect(member).toHaveURL(/\/profile$/);
  const own = member.getByRole("switch", { name: "Two-Factor Authentication" });
  await expect(own).toBeChecked();
  await expect(own).toBeDisabled();
  await expect(member.getByText(/Required by .*cannot be turned off/)).toBeVisible();
});

test("members get no settings pages; the DeployHQ list shows shields, filters, and Reset 2FA", async ({
  page,
  browser,
  baseURL,
}) => {
  test.setTimeout(150_000); // the reset waits for a fresh code
  await signUp(page, "Boss");
  const { app } = await enrol(page);
  const withEmail = newEmail("with");
  const withoutEmail = newEmail("without");
  const withLink = await invite(page, withEmail);
  const withoutLink = await invite(page, withoutEmail);

  const protectedMember = await newClientPage(browser, baseURL);
  await acceptAsNewUser(protectedMember, withLink, "Alice With");
  await expect(protectedMember).toHaveURL(/\/profile$/);
  await enrol(protectedMember);
  for (const path of ["/settings/users", "/settings/authentication", "/settings/audit"]) {
    expect((await protectedMember.goto(path))!.status()).toBe(404);
  }
  const plain = await newClientPage(browser, baseURL);
  await acceptAsNewUser(plain, withoutLink, "Bob Without");
  await expect(plain).toHaveURL(/\/profile$/);

  await page.goto("/settings/users");
  const row = (name: string) => page.getByRole("row").filter({ hasText: name });
  await expect(row("Alice With").getByRole("img", { name: "Two-factor authentication on" })).toBeVisible();
  await expect(row("Bob Without").getByRole("img", { name: "Two-factor authentication off" })).toBeVisible();
  await row("Bob Without").getByRole("img", { name: "Two-factor authentication off" }).focus();
  await expect(page.getByRole("tooltip")).toHaveText("Two-factor authentication off");
  await readmeScreenshot(page, "users", { fullPage: true });

  await page.getByRole("link", { name: "Without 2FA" }).click();
  await expect(page.getByRole("row").filter({ hasText: "@example.com" })).toHaveCount(1);
  await expect(row("Bob Without")).toBeVisible();
  await page.getByRole("link", { name: "All members" }).click();

  await row("Alice With").getByRole("button", { name: "Reset 2FA for Alice With" }).click();
  const dialog = page.getByRole("dialog", { name: "Reset two-factor authentication for Alice With?" });
  // It strips her of every factor: the admin confirms with their own.
  await expect(dialog.getByLabel("6-digit code from your authenticator app")).toBeVisible();
  await readmeScreenshot(page, "reset-2fa", { inReadme: false });
  await dialog.getByLabel("6-digit code from your authenticator app").fill(await app.nextCode());
  await dialog.getByRole("button", { name: "Reset 2FA" }).click();
  await expect(dialog).toBeHidden();
  await expect(row("Alice With").getByRole("img", { name: "Two-factor authentication off" })).toBeVisible();
  await page.getByRole("link", { name: "Without 2FA" }).click();
  await expect(page.getByRole("row").filter({ hasText: "@example.com" })).toHaveCount(2); // Alice joins Bob
  await expect(row("Alice With")).toBeVisible();
  await page.getByRole("link", { name: "All members" }).click();
  await readMail(withEmail, "was reset");
  await protectedMember.reload();
  await expect(protectedMember).toHaveURL(/\/login/); // her sessions ended

  await page.goto("/settings/audit");
  await expect(page.getByRole("cell", { name: /Two-factor authentication reset by an admin/ })).toContainText(
    "two_factor.reset",
  );
});

test("invitation into an enforcing account: a new user and an existing user both enrol before any session; the existing user's 2FA cannot be reset from here", async ({
  page,
  browser,
  baseURL,
}) => {
  test.setTimeout(120_000);
  await signUp(page, "Enforcer");
  const { app } = await enrol(page);
  await page.goto("/settings/authentication");
  await page.getByRole("switch", { name: "Enforce Two Factor Authentication" }).click();
  await page
    .getByRole("dialog", { name: "Enforce Two Factor Authentication?" })
    .getByRole("button", { name: "Confirm" })
    .click();
  await expect(page.getByRole("switch", { name: "Enforce Two Factor Authentication" })).toBeChecked();

  const fresh = newEmail("fresh");
  const newcomer = await newClientPage(browser, baseURL);
  await acceptAsNewUser(newcomer, await invite(page, fresh), "Fresh Person");
  await expect(newcomer.getByRole("dialog", { name: "Enable Two-Factor Authentication" })).toBeVisible(); // the sign-in page behind it says why
  expect((await newcomer.request.get("/api/me")).status()).toBe(401);
  await enrolInOpenDialog(newcomer);
  await expect(newcomer).toHaveURL(/\/profile$/);

  const existing = await newClientPage(browser, baseURL);
  const existingEmail = await signUp(existing, "Existing Person");
  await signOut(existing);
  const link = await invite(page, existingEmail);
  await existing.goto(link);
  await expect(existing.getByText("Enter your password to accept.")).toBeVisible();
  await existing.getByLabel("Password").fill("wrong password here");
  await existing.getByRole("button", { name: "Accept invitation" }).click();
  await expect(errorAlert(existing)).toContainText("don't match");
  await existing.getByLabel("Password").fill("correct horse battery staple");
  await existing.getByRole("button", { name: "Accept invitation" }).click();
  await enrolInOpenDialog(existing);
  await expect(existing).toHaveURL(/\/profile$/);
  await expect(existing.getByRole("combobox", { name: "Current account" })).toBeVisible(); // two accounts now

  await existing.goto(link);
  await expect(errorAlert(existing)).toContainText("invalid, has expired or was already used");

  // Their authenticator also guards the account they own, which the enforcer does not manage.
  await page.goto("/settings/users");
  const row = page.getByRole("row").filter({ hasText: "Existing Person" });
  await row.getByRole("button", { name: "Reset 2FA for Existing Person" }).click();
  const dialog = page.getByRole("dialog", { name: "Reset two-factor authentication for Existing Person?" });
  await dialog.getByLabel("6-digit code from your authenticator app").fill(await app.wrongCode()); // refused before it is checked
  await dialog.getByRole("button", { name: "Reset 2FA" }).click();
  await expect(errorAlert(dialog)).toContainText("also belongs to an account you don't manage");
  await expect(errorAlert(dialog)).toContainText("recovery code");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await page.reload();
  await expect(row.getByRole("img", { name: "Two-factor authentication on" })).toBeVisible();
});

test.describe("on a real PostgreSQL server", () => {
  test.use({ baseURL: POSTGRES_APP });

  test("grace period: the member signs in with a countdown banner, and must enrol after the deadline", async ({
    page,
    browser,
    baseURL,
  }) => {
    test.setTimeout(120_000);
    await signUp(page, "Graceful Owner");
    await enrol(page);
    const { email: memberEmail, member } = await addMember(page, browser, baseURL, "Late Member");

    await page.goto("/settings/authentication");
    await page.getByRole("switch", { name: "Enforce Two Factor Authentication" }).click();
    const confirm = page.getByRole("dialog", { name: "Enforce Two Factor Authentication?" });
    await confirm.getByLabel("Grace period (hours)").fill("24");
    await expect(confirm.getByTestId("enforce-consequence")).toContainText("can sign in without it for 24 more hours");
    await confirm.getByRole("button", { name: "Confirm" }).click();
    await expect(page.getByText(/Grace period: members without 2FA must set it up by/)).toBeVisible();
    expect((await readMail(memberEmail, "requires two-factor")).text).toContain(
      "You can keep signing in without it until",
    );

    await enterPassword(member, memberEmail);
    await expect(member).toHaveURL(/\/profile$/);
    await expect(member.getByTestId("grace-countdown")).toHaveText(/^23 h 5\d min left$/);
    await signOut(member);

    // The deadline passes: 25 hours, for the switch and for the account's memberships it found.
    await onPostgresApp(
      `WITH account AS (
         SELECT m."accountId" AS id FROM "Membership" m JOIN "User" u ON u.id = m."userId" WHERE u.email = $1),
       moved AS (
         UPDATE "Membership" SET "createdAt" = "createdAt" - interval '25 hours' WHERE "accountId" IN (SELECT id FROM account))
       UPDATE "Account" SET "enforcedAt" = "enforcedAt" - interval '25 hours' WHERE id IN (SELECT id FROM account)`,
      [memberEmail],
    );

    await enterPassword(member, memberEmail);
    await expect(member.getByRole("dialog", { name: "Enable Two-Factor Authentication" })).toBeVisible(); // the sign-in page behind it says why
    await enrolInOpenDialog(member);
    await expect(member).toHaveURL(/\/profile$/);
    await expect(member.getByTestId("grace-countdown")).toHaveCount(0);
  });
});
