import type { BrowserContext, Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import {
  acceptAsNewUser,
  enrol,
  enrolInOpenDialog,
  enterPassword,
  invite,
  newClientPage,
  newEmail,
  onPostgresApp,
  PASSWORD,
  POSTGRES_APP,
  signOut,
  signUp,
} from "./helpers";
import { readmeScreenshot } from "./screenshots";

async function sessionCookie(context: BrowserContext) {
  return (await context.cookies()).find((c) => c.name.endsWith("next-auth.session-token"));
}

/** As a stolen cookie would be: signed in long ago, the password not entered since (PostgreSQL app). */
const signedInAWhileAgo = (email: string) =>
  onPostgresApp(
    `UPDATE "Session" SET "createdAt" = now() - interval '11 minutes', "reauthenticatedAt" = NULL
     WHERE "userId" = (SELECT id FROM "User" WHERE email = $1)`,
    [email],
  );

async function enforceNow(owner: Page) {
  await owner.goto("/settings/authentication");
  await owner.getByRole("switch", { name: "Enforce Two Factor Authentication" }).click();
  await owner
    .getByRole("dialog", { name: "Enforce Two Factor Authentication?" })
    .getByRole("button", { name: "Confirm" })
    .click();
  await expect(owner.getByRole("switch", { name: "Enforce Two Factor Authentication" })).toBeChecked();
}

test("a member signed in before the admin enforces 2FA is sent to enrolment at the next navigation", async ({
  page,
  browser,
  baseURL,
}) => {
  test.setTimeout(120_000);
  await signUp(page, "Strict Owner");
  await enrol(page);
  const memberEmail = newEmail("Early Member");
  const member = await newClientPage(browser, baseURL);
  await acceptAsNewUser(member, await invite(page, memberEmail), "Early Member");
  await expect(member).toHaveURL(/\/profile$/);
  expect((await member.request.get("/api/me")).status()).toBe(200);

  await enforceNow(page);

  await member.goto("/profile");
  await expect(member).toHaveURL(/\/enrol$/);
  const dialog = member.getByRole("dialog", { name: "Enable Two-Factor Authentication" });
  await expect(dialog).toContainText(
    "Strict Owner's account now requires two-factor authentication. Set it up to continue.",
  );
  await expect(dialog.getByTestId("secret-key")).toBeVisible();
  await readmeScreenshot(member, "enrol-required");
  const me = await member.request.get("/api/me");
  expect(me.status()).toBe(403);
  expect(await me.json()).toMatchObject({ code: "enrolment_required" });
  for (const path of ["/settings/users", "/"]) {
    await member.goto(path);
    await expect(member).toHaveURL(/\/enrol$/);
  }

  // Cancelling leaves only "Set it up now" and "Sign out"; the page says why.
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(member.getByRole("heading", { name: "Set up two-factor authentication" })).toBeVisible();
  await expect(member.getByText("Until then you can only sign out.")).toBeVisible();
  await member.screenshot({ path: "test-results/screens/enrol-required-behind.png" });
  await member.getByRole("button", { name: "Set it up now" }).click();
  await enrolInOpenDialog(member);
  await expect(member).toHaveURL(/\/profile$/);
  await expect(member.getByRole("switch", { name: "Two-Factor Authentication" })).toBeChecked();
  expect((await member.request.get("/api/me")).status()).toBe(200);
});

test("after signing out, the old cookie replayed gets nothing: pages, /api/me, /api/auth/session", async ({
  page,
  browser,
  baseURL,
}) => {
  await signUp(page, "Leaver");
  const cookie = await sessionCookie(page.context());
  expect(cookie).toBeDefined();
  expect((await (await page.request.get("/api/auth/session")).json()).user).toBeDefined();
  await signOut(page);

  const thief = await (await browser.newContext({ baseURL })).newPage();
  await thief.context().addCookies([cookie!]);
  const response = await thief.request.get("/profile", { maxRedirects: 0 });
  expect(response.status()).toBe(307);
  expect(response.headers()["location"]).toContain("/login");
  expect((await thief.request.get("/api/me")).status()).toBe(401);
  const session = await thief.request.get("/api/auth/session");
  expect(await session.json()).toEqual({});
  expect(session.headers()["set-cookie"]).toMatch(/next-auth\.session-token=;/); // cleared, not re-signed
});

test.describe("on a real PostgreSQL server", () => {
  test.use({ baseURL: POSTGRES_APP });

  test("a session past its absolute lifetime is signed out, though its cookie is still valid", async ({ page }) => {
    const email = await signUp(page, "Lingerer");
    expect((await page.request.get("/api/me")).status()).toBe(200);

    // Twelve hours pass since sign-in (moved in the database, as time would); the JWT itself would
    // still be accepted, and next-auth would happily renew it.
    await onPostgresApp(
      `UPDATE "Session" SET "createdAt" = now() - interval '12 hours 1 minute', "expiresAt" = now() - interval '1 minute'
       WHERE "userId" = (SELECT id FROM "User" WHERE email = $1)`,
      [email],
    );

    await page.goto("/profile");
    await expect(page).toHaveURL(/\/login/);
    expect((await page.request.get("/api/me")).status()).toBe(401);
    expect(await (await page.request.get("/api/auth/session")).json()).toEqual({});
  });

  test("a session that signed in a while ago asks for the password before adding an authenticator", async ({
    page,
  }) => {
    const email = await signUp(page, "Returning");
    await onPostgresApp(
      `UPDATE "Session" SET "createdAt" = now() - interval '11 minutes'
       WHERE "userId" = (SELECT id FROM "User" WHERE email = $1)`,
      [email],
    );
    await page.getByRole("switch", { name: "Two-Factor Authentication" }).click();
    const dialog = page.getByRole("dialog", { name: "Enable Two-Factor Authentication" });
    await expect(dialog.getByText("Enter your password to add a second factor")).toBeVisible();
    await expect(dialog.getByTestId("secret-key")).toHaveCount(0); // no secret before the password
    await dialog.getByLabel("Password").fill("not my password");
    await dialog.getByRole("button", { name: "Continue" }).click();
    await expect(dialog.getByText("Your current password is not correct.")).toBeVisible();
    await page.screenshot({ path: "test-results/screens/password-before-enrolment.png" });
    await dialog.getByLabel("Password").fill(PASSWORD);
    await dialog.getByRole("button", { name: "Continue" }).click();
    await enrolInOpenDialog(page);
    await expect(page.getByRole("switch", { name: "Two-Factor Authentication" })).toBeChecked();
  });

  test("an admin who signed in a while ago confirms the password before giving or taking a say in the account", async ({
    page,
    browser,
    baseURL,
  }) => {
    test.setTimeout(120_000);
    const ownerEmail = await signUp(page, "Stale Owner");
    const member = await newClientPage(browser, baseURL);
    await acceptAsNewUser(member, await invite(page, newEmail("Helper")), "Helper");
    const goStale = () => signedInAWhileAgo(ownerEmail);
    const passwordDialog = page.getByRole("dialog", { name: "Confirm your password" });
    await goStale();

    // The invitation form waits, sending, while the password is asked for, then sends.
    await page.goto("/settings/users");
    const form = page.getByRole("region", { name: "Invite a member" });
    const deputy = newEmail("Deputy");
    await form.getByLabel("Email").fill(deputy);
    await form.getByLabel("Role").selectOption("admin");
    await form.getByRole("button", { name: "Send invitation" }).click();
    await expect(
      passwordDialog.getByText("Enter your password to invite someone to manage this account"),
    ).toBeVisible();
    await passwordDialog.getByLabel("Password").fill("not my password");
    await passwordDialog.getByRole("button", { name: "Continue" }).click();
    await expect(passwordDialog.getByText("Your current password is not correct.")).toBeVisible();
    await page.screenshot({ path: "test-results/screens/password-before-admin-invitation.png" });
    await passwordDialog.getByLabel("Password").fill(PASSWORD);
    await passwordDialog.getByRole("button", { name: "Continue" }).click();
    await expect(form.getByRole("status")).toContainText(`Invitation sent to ${deputy}`);

    // A role change: asked, then made.
    await goStale();
    await page.reload();
    await page.getByLabel("Role of Helper").selectOption("admin");
    await expect(passwordDialog.getByText("Enter your password to change who manages this account")).toBeVisible();
    await passwordDialog.getByLabel("Password").fill(PASSWORD);
    await passwordDialog.getByRole("button", { name: "Continue" }).click();
    await expect(passwordDialog).toBeHidden();
    await expect(page.getByLabel("Role of Helper")).toHaveValue("admin");

    // A removal: confirmed, asked, then done; Cancel in the password dialog would have changed nothing.
    await goStale();
    await page.reload();
    await page.getByRole("button", { name: "Remove Helper" }).click();
    await page
      .getByRole("dialog", { name: "Remove Helper from this account?" })
      .getByRole("button", { name: "Remove" })
      .click();
    await passwordDialog.getByRole("button", { name: "Cancel" }).click();
    await expect(passwordDialog).toBeHidden();
    await expect(page.getByLabel("Role of Helper")).toHaveValue("admin");
    await page.getByRole("button", { name: "Remove Helper" }).click();
    await page
      .getByRole("dialog", { name: "Remove Helper from this account?" })
      .getByRole("button", { name: "Remove" })
      .click();
    await passwordDialog.getByLabel("Password").fill(PASSWORD);
    await passwordDialog.getByRole("button", { name: "Continue" }).click();
    await expect(page.getByLabel("Role of Helper")).toHaveCount(0);

    // "Sign out other sessions" from a stale session: confirmed, asked, then done.
    const laptop = await newClientPage(browser, baseURL);
    await enterPassword(laptop, ownerEmail);
    await expect(laptop).toHaveURL(/\/profile$/);
    await goStale();
    await page.goto("/profile");
    const sessions = page.getByRole("region", { name: "Sessions" });
    await sessions.getByRole("button", { name: "Sign out other sessions" }).click();
    await page
      .getByRole("dialog", { name: "Sign out other sessions?" })
      .getByRole("button", { name: "Sign out other sessions" })
      .click();
    await expect(passwordDialog.getByText("Enter your password to sign out your other sessions")).toBeVisible();
    await passwordDialog.getByLabel("Password").fill(PASSWORD);
    await passwordDialog.getByRole("button", { name: "Continue" }).click();
    await expect(sessions.getByRole("status")).toHaveText("Your other sessions were signed out.");
    await laptop.goto("/profile");
    await expect(laptop).toHaveURL(/\/login/);
  });

  test("an invitee with 2FA who signed in a while ago confirms the password before joining", async ({
    page,
    browser,
    baseURL,
  }) => {
    test.setTimeout(120_000);
    await signUp(page, "Stale Inviter");
    const joiner = await newClientPage(browser, baseURL);
    const email = await signUp(joiner, "Stale Joiner");
    await enrol(joiner);
    const link = await invite(page, email);
    // With the mailbox, joining an account of the thief's would give the thief Reset 2FA over the owner.
    await signedInAWhileAgo(email);
    await joiner.goto(link);
    const accept = joiner.getByRole("button", { name: "Accept invitation" });
    const passwordDialog = joiner.getByRole("dialog", { name: "Confirm your password" });
    await accept.click();
    await expect(passwordDialog.getByText("Enter your password to join Stale Inviter's account")).toBeVisible();
    await joiner.screenshot({ path: "test-results/screens/password-before-joining.png" });
    await passwordDialog.getByRole("button", { name: "Cancel" }).click();
    await expect(passwordDialog).toBeHidden();
    await expect(accept).toBeEnabled(); // nothing joined; the button can be pressed again
    await page.goto("/settings/users");
    await expect(page.getByRole("row").filter({ hasText: "Stale Joiner" })).toHaveCount(0);

    await accept.click();
    await passwordDialog.getByLabel("Password").fill(PASSWORD);
    await passwordDialog.getByRole("button", { name: "Continue" }).click();
    await expect(joiner).toHaveURL(/\/profile$/);
    await page.reload();
    await expect(page.getByRole("row").filter({ hasText: "Stale Joiner" })).toHaveCount(1);
  });

  test("a sign-in finished just after the admin enforced 2FA goes to enrolment first", async ({
    page,
    browser,
    baseURL,
  }) => {
    test.setTimeout(120_000);
    await signUp(page, "Quick Owner");
    await enrol(page);
    const memberEmail = newEmail("Straddler");
    const member = await newClientPage(browser, baseURL);
    await acceptAsNewUser(member, await invite(page, memberEmail), "Straddler");
    await expect(member).toHaveURL(/\/profile$/);
    await signOut(member);

    // The admin's Confirm lands between the member's password step and the session.
    let enforced = false;
    await member.route("**/api/auth/callback/challenge", async (route) => {
      if (!enforced) {
        enforced = true;
        await onPostgresApp(
          `UPDATE "Account" SET "enforceTwoFactor" = true, "enforcedAt" = now(), "graceHours" = 0
           WHERE id IN (SELECT "accountId" FROM "Membership" m JOIN "User" u ON u.id = m."userId" WHERE u.email = $1 AND m.role = 'member')`,
          [memberEmail],
        );
      }
      await route.continue();
    });
    await enterPassword(member, memberEmail);
    await expect(member.getByRole("dialog", { name: "Enable Two-Factor Authentication" })).toBeVisible();
    expect(enforced).toBe(true);
    expect((await member.request.get("/api/me")).status()).toBe(401);
    await enrolInOpenDialog(member);
    await expect(member).toHaveURL(/\/profile$/);
    expect((await member.request.get("/api/me")).status()).toBe(200);
  });
});
