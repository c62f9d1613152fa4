import { expect, hydrated, test, withHydration } from "./fixtures";
import {
  asOwnClient,
  enrol,
  enterPassword,
  errorAlert,
  invite,
  newClientPage,
  newEmail,
  PASSWORD,
  readMail,
  signOut,
  signUp,
} from "./helpers";
import { readmeScreenshot } from "./screenshots";

test("sign up, sign out, wrong password, sign in", async ({ page }) => {
  const email = await signUp(page, "Ada");
  await expect(page.getByText(email).first()).toBeVisible();
  await signOut(page);

  await enterPassword(page, email, "not the password");
  await expect(errorAlert(page)).toHaveText("That email and password don't match an account.");
  await enterPassword(page, "nobody-" + email, PASSWORD);
  await expect(errorAlert(page)).toHaveText("That email and password don't match an account.");

  await enterPassword(page, email.toUpperCase());
  await expect(page).toHaveURL(/\/profile$/);
  await expect(page.getByRole("heading", { name: "Profile" })).toBeVisible();
});

test("sign-up explains bad input and changes nothing", async ({ page }) => {
  await asOwnClient(page);
  await page.goto("/signup");
  await page.getByLabel("Name").fill("Bo");
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Enter a valid email address.")).toBeVisible();
  await expect(page.getByText("Use at least 8 characters.")).toBeVisible();
  await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
  await expect(page).toHaveURL(/\/signup$/);
});

test("protected pages and routes send signed-out visitors away", async ({ page, request }) => {
  await page.goto("/profile");
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fprofile/);
  expect((await request.get("/api/me")).status()).toBe(401);
  expect(await (await request.get("/api/auth/session")).json()).toEqual({});
});

test("password reset by email link, once", async ({ page }) => {
  const email = await signUp(page, "Forgetful");
  await signOut(page);
  await page.goto("/forgot-password");
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByRole("status")).toContainText("If that email has an account");

  const mail = await readMail(email, "Reset your");
  const link = mail.text.match(/http:\/\/\S+\/reset-password\/\S+/)![0];
  await page.goto(link);
  await page.getByLabel("New password").fill("a whole new password");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page).toHaveURL(/\/login\?reset=done/);
  await expect(page.getByText("Your password was changed")).toBeVisible();

  await enterPassword(page, email, "a whole new password");
  await expect(page).toHaveURL(/\/profile$/);

  await page.goto(link);
  await expect(errorAlert(page)).toContainText("invalid, has expired or was already used");
});

test("the reset form gives the same answer for an unknown email", async ({ page }) => {
  await asOwnClient(page);
  await page.goto("/forgot-password");
  await page.getByLabel("Email").fill(newEmail("ghost"));
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByRole("status")).toContainText("If that email has an account");
});

test("changing the password ends the other sessions, not this one", async ({ page, browser }) => {
  const email = await signUp(page, "Two Laptops");
  const other = withHydration(await (await browser.newContext()).newPage());
  await asOwnClient(other);
  await enterPassword(other, email);
  await expect(other).toHaveURL(/\/profile$/);

  await page.getByLabel("Current password").fill(PASSWORD);
  await page.getByLabel("New password").fill("changed password 1");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Password changed" })).toBeVisible();

  await page.reload();
  await expect(page.getByRole("heading", { name: "Profile" })).toBeVisible();
  await other.reload();
  await expect(other).toHaveURL(/\/login/);
});

test("security headers, a tampered session cookie and unknown routes", async ({ page, context, baseURL }) => {
  const response = await page.goto("/login");
  const headers = response!.headers();
  expect(headers["content-security-policy"]).toMatch(/frame-ancestors 'none'/);
  expect(headers["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(headers["strict-transport-security"]).toContain("max-age=");

  await context.addCookies([{ name: "next-auth.session-token", value: "forged.jwt.value", url: baseURL! }]);
  await page.goto("/profile");
  await expect(page).toHaveURL(/\/login/);

  const missing = await page.goto("/no-such-page");
  expect(missing!.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  expect((await page.goto("/dev/mailbox"))!.status()).toBe(404);
});

test("a server action replayed from another origin, or with an oversized body, is refused and changes nothing", async ({
  page,
}) => {
  await signUp(page, "Csrf Target");
  const form = page.getByRole("region", { name: "Your details" });
  await form.getByLabel("Name").fill("Renamed Here");
  const [request] = await Promise.all([
    page.waitForRequest((r) => r.method() === "POST" && !!r.headers()["next-action"]),
    form.getByRole("button", { name: "Save name" }).click(),
  ]);
  await expect(form.getByRole("status").filter({ hasText: "Name saved." })).toBeVisible();

  const headers = { ...request.headers(), origin: "https://evil.example" };
  const body = request.postDataBuffer()!.toString("latin1").replace("Renamed Here", "Hacked Name!");
  const replay = await page.request.post(request.url(), { headers, data: Buffer.from(body, "latin1") });
  expect(replay.ok()).toBe(false);
  // The same origin with an oversized body (over the 64 KB limit) is refused before the action runs.
  const padded = body.replace("Hacked Name!", "Hacked Name!" + "x".repeat(100_000));
  const oversized = await page.request.post(request.url(), {
    headers: request.headers(),
    data: Buffer.from(padded, "latin1"),
  });
  expect(oversized.ok()).toBe(false);
  await page.reload();
  await expect(form.getByLabel("Name")).toHaveValue("Renamed Here");
});

test("a Users page invites into the account it shows, though another tab switched account meanwhile", async ({
  page,
  context,
  browser,
  baseURL,
}) => {
  // An admin of two accounts: their own (A) and Other Owner's (B), where they accept an admin invitation.
  const email = await signUp(page, "Two Hats");
  await signOut(page);
  const other = await newClientPage(browser, baseURL);
  await signUp(other, "Other Owner");
  const link = await invite(other, email, "admin");
  await page.goto(link);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Accept invitation" }).click();
  await expect(page).toHaveURL(/\/profile$/);

  // Tab 1: account A's Users page (A is the current account: the oldest membership).
  await page.goto("/settings/users");
  await expect(page.getByRole("region", { name: "Members", exact: true })).toContainText("in Two Hats's account");

  // Tab 2, the same browser: switches to account B.
  const second = withHydration(await context.newPage());
  await second.goto("/profile");
  const switcher = second.getByRole("combobox", { name: "Current account" });
  await switcher.selectOption({ label: "Other Owner's account (admin)" });
  await expect(switcher.locator("option:checked")).toHaveText("Other Owner's account (admin)");

  // Tab 1, not reloaded, invites: into A, the account it shows.
  const friend = newEmail("Friend");
  const form = page.getByRole("region", { name: "Invite a member" });
  await form.getByLabel("Email").fill(friend);
  await form.getByRole("button", { name: "Send invitation" }).click();
  await expect(form.getByRole("status")).toContainText(`Invitation sent to ${friend}`);
  expect((await readMail(friend, "invited you")).text).toContain(`the account "Two Hats's account"`);

  const pending = second.getByRole("region", { name: "Pending invitations" });
  await second.goto("/settings/users"); // account B
  await expect(second.getByRole("region", { name: "Members", exact: true })).toContainText("in Other Owner's account");
  await expect(pending).not.toContainText(friend);
  await second.getByRole("combobox", { name: "Current account" }).selectOption({ label: "Two Hats's account (owner)" });
  await expect(switcher.locator("option:checked")).toHaveText("Two Hats's account (owner)");
  await second.goto("/settings/users"); // account A
  await expect(pending).toContainText(`${friend} as member · invited by Two Hats`);
  await readmeScreenshot(pending, "pending-invitations", { inReadme: false });
});

test("an existing user with 2FA joins only after their second factor: password, code, then Accept invitation", async ({
  page,
  browser,
  baseURL,
}) => {
  test.setTimeout(120_000);
  await signUp(page, "Inviting Owner");
  const joiner = await newClientPage(browser, baseURL);
  const email = await signUp(joiner, "Guarded Joiner");
  const { app } = await enrol(joiner);
  await signOut(joiner);
  const link = await invite(page, email);

  // The password on the invitation page is the first step of a sign-in, not the acceptance.
  await joiner.goto(link);
  await joiner.getByLabel("Password").fill(PASSWORD);
  await joiner.getByRole("button", { name: "Accept invitation" }).click();
  await expect(joiner.getByRole("heading", { name: "Two-Factor Authentication" })).toBeVisible();
  await page.goto("/settings/users");
  await expect(page.getByRole("row").filter({ hasText: "Guarded Joiner" })).toHaveCount(0);

  await joiner.getByLabel("Authentication code").fill(await app.nextCode());
  await joiner.getByRole("button", { name: "Verify" }).click();
  await expect(joiner).toHaveURL(new URL(link).pathname);
  await expect(joiner.getByText("you are signed in with it")).toBeVisible();
  await readmeScreenshot(joiner, "invitation-signed-in", { inReadme: false });
  await hydrated(joiner);
  await joiner.getByRole("button", { name: "Accept invitation" }).click();
  await expect(joiner).toHaveURL(/\/profile$/);
  await expect(joiner.getByRole("combobox", { name: "Current account" })).toBeVisible(); // two accounts now
  await page.reload();
  await expect(page.getByRole("row").filter({ hasText: "Guarded Joiner" })).toHaveCount(1);
});
