import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect, hydrated, test, withHydration } from "./fixtures";
import { confirmWithApp, plugInKey } from "./security-keys";
import {
  acceptAsNewUser,
  asOwnClient,
  enrol,
  enrolInOpenDialog,
  enterPassword,
  invite,
  newEmail,
  signOut,
  signUp,
  signUpLink,
  submitSignUp,
} from "./helpers";

/** Zero serious or critical axe violations on what the page shows now. */
async function expectAccessible(page: Page, what: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${what}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual(
    [],
  );
}

/**
 * The page's own title is in the <head> the server sends to a browser, so it is there before the app
 * is ready: read once, right when the app has hydrated (no waiting for it to turn up).
 */
async function expectOwnTitle(page: Page, path: string, title: string) {
  const html = await (
    await page.request.get(path, { headers: { "user-agent": await page.evaluate(() => navigator.userAgent) } })
  ).text();
  const head = html.slice(0, html.indexOf("</head>"));
  expect(
    [...html.matchAll(/<title>(.*?)<\/title>/g)].map((m) => m[1]),
    path,
  ).toEqual([title]);
  expect(head, path).toContain(`<title>${title}</title>`);
  await page.goto(path, { waitUntil: "commit" });
  await hydrated(page);
  expect(await page.evaluate(() => document.title), path).toBe(title);
}

test("every page has its own title in the <head>, before the app is ready", async ({ page }) => {
  await asOwnClient(page);
  const signedOut = {
    "/login": "Sign in",
    "/signup": "Create an account",
    "/signup/verify/not-a-real-token-at-all-xx": "Confirm your email",
    "/forgot-password": "Reset your password",
    "/reset-password/not-a-real-token-at-all-xx": "Choose a new password",
    "/invite/not-a-real-token-at-all-xx": "Join an account",
    "/no-such-page": "Page not found",
  };
  for (const [path, title] of Object.entries(signedOut)) await expectOwnTitle(page, path, `${title} · Twofold`);
  await signUp(page, "Titles");
  const signedIn = {
    "/profile": "Profile",
    "/settings/authentication": "Authentication",
    "/settings/users": "User Management",
    "/settings/audit": "Audit log",
  };
  for (const [path, title] of Object.entries(signedIn)) await expectOwnTitle(page, path, `${title} · Twofold`);
});

test("signed-out pages", async ({ page }) => {
  await asOwnClient(page);
  for (const path of [
    "/login",
    "/signup",
    "/forgot-password",
    "/reset-password/not-a-real-token-at-all-xx",
    "/invite/not-a-real-token-at-all-xx",
    "/signup/verify/not-a-real-token-at-all-xx",
    "/no-such-page",
  ]) {
    await page.goto(path);
    await expectAccessible(page, path);
  }
});

// Apart from the pages above: together they were one 90-second budget, which a busy host used up.
test("signed-out forms showing their errors", async ({ page }) => {
  await asOwnClient(page);
  await page.goto("/login");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Enter a valid email address.")).toBeVisible();
  await expectAccessible(page, "/login with errors");

  const email = newEmail("Axe Signup");
  await submitSignUp(page, "Axe Signup", email);
  await expectAccessible(page, "check your email");
  await page.goto(await signUpLink(page, email));
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Enter your password.")).toBeVisible();
  await expectAccessible(page, "confirm your email with errors");
});

test("signed-in pages and every dialog", async ({ page, browser, baseURL }) => {
  // axe on every dialog, one sign-in after another: 2.1-2.4 min in quiet CI runs, over 3 on a busy machine.
  test.setTimeout(360_000);
  const email = await signUp(page, "Axe");
  await expectAccessible(page, "/profile");
  await page.getByRole("switch", { name: "Two-Factor Authentication" }).click();
  await expect(page.getByTestId("secret-key")).toBeVisible();
  await expectAccessible(page, "enrolment dialog");
  await page.keyboard.press("Escape");

  await page.goto("/settings/authentication");
  await expectAccessible(page, "/settings/authentication");
  await page.getByRole("switch", { name: "Enforce Two Factor Authentication" }).click();
  await expect(page.getByRole("dialog", { name: "Protect your own login first" })).toBeVisible();
  await expectAccessible(page, "protect your own login first");
  await page.keyboard.press("Escape");

  await page.goto("/profile");
  const { codes, app } = await enrol(page);
  await signOut(page);
  await enterPassword(page, email);
  await expect(page.getByLabel("Authentication code")).toBeVisible();
  await expectAccessible(page, "sign-in code step");
  await page.getByRole("button", { name: "Use a recovery code instead" }).click();
  await expect(page.getByLabel("Recovery code")).toBeVisible();
  await expectAccessible(page, "sign-in recovery code step");
  await page.getByLabel("Recovery code").fill(codes[0]!);
  await page.getByRole("checkbox", { name: /Don't ask again on this device/ }).check();
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page).toHaveURL(/\/profile/);
  const devices = page.getByRole("region", { name: "Remembered devices" });
  await expect(devices.getByRole("listitem")).toHaveCount(1);
  await expectAccessible(page, "remembered devices card");
  await devices.getByRole("button", { name: "Forget all devices" }).click();
  const forgetAll = page.getByRole("dialog", { name: "Forget all devices?" });
  await expect(forgetAll).toBeVisible();
  await expectAccessible(page, "forget all devices dialog");
  // Forgotten for real: the security-key sign-in below must be asked for its second factor.
  await forgetAll.getByRole("button", { name: "Forget all devices" }).click();
  await expect(devices.getByRole("listitem")).toHaveCount(0);
  await page.getByRole("button", { name: "Regenerate recovery codes" }).first().click();
  await expect(page.getByRole("dialog", { name: "Regenerate recovery codes" })).toBeVisible();
  await expectAccessible(page, "regenerate dialog");
  await page.keyboard.press("Escape");
  await page.getByRole("switch", { name: "Two-Factor Authentication" }).click();
  await expect(page.getByRole("dialog", { name: "Turn off Two-Factor Authentication?" })).toBeVisible();
  await expectAccessible(page, "turn-off dialog");
  await page.keyboard.press("Escape");

  // Security keys: the DevTools virtual authenticator stands in for a USB key.
  await plugInKey(page);
  await page.getByRole("button", { name: "Add security key or passkey" }).click();
  const addKey = page.getByRole("dialog", { name: "Add security key or passkey" });
  await expect(addKey.getByLabel("Name")).toBeVisible();
  await expectAccessible(page, "add security key dialog");
  await addKey.getByLabel("Name").fill("Axe key");
  await addKey.getByRole("button", { name: "Continue" }).click();
  await expect(addKey.getByRole("region", { name: "Confirm it's you" })).toBeVisible();
  await expectAccessible(page, "add security key: confirm it's you");
  await confirmWithApp(addKey, await app.nextCode());
  await expect(addKey).toBeHidden();
  await expectAccessible(page, "profile with a security key");
  await page.getByRole("button", { name: "Rename Axe key" }).click();
  await expect(page.getByRole("dialog", { name: "Rename “Axe key”" })).toBeVisible();
  await expectAccessible(page, "rename security key dialog");
  await page.keyboard.press("Escape");
  await page.getByRole("button", { name: "Remove Axe key" }).click();
  await expect(page.getByRole("dialog", { name: "Remove “Axe key”?" })).toBeVisible();
  await expectAccessible(page, "remove security key dialog");
  await page.keyboard.press("Escape");
  await page.getByRole("button", { name: "Remove authenticator app" }).click();
  await expect(page.getByRole("dialog", { name: "Remove authenticator app?" })).toBeVisible();
  await expectAccessible(page, "remove authenticator app dialog");
  await page.keyboard.press("Escape");
  await signOut(page);
  await enterPassword(page, email);
  await expect(page.getByRole("button", { name: "Use your security key" })).toBeVisible();
  await expectAccessible(page, "sign-in security key step");
  await page.getByRole("button", { name: "Use your security key" }).click();
  await expect(page).toHaveURL(/\/profile/);

  await page.goto("/settings/authentication");
  const enforce = page.getByRole("switch", { name: "Enforce Two Factor Authentication" });
  await enforce.click();
  await expect(page.getByRole("dialog", { name: "Enforce Two Factor Authentication?" })).toBeVisible();
  await expectAccessible(page, "enforce confirmation");
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(page.getByRole("dialog")).toBeHidden();
  // The switch shows the saved state once the page has refreshed; clicked earlier, it would ask to enforce again.
  await expect(enforce).toBeChecked();
  await enforce.click();
  await expect(page.getByRole("dialog", { name: "Stop enforcing two-factor authentication?" })).toBeVisible();
  await expectAccessible(page, "stop enforcing dialog");
  await page.keyboard.press("Escape");
  await page.getByLabel("Remember devices for (days)").fill("60");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("dialog", { name: "Remember devices for longer?" })).toBeVisible();
  await expectAccessible(page, "remember devices for longer dialog");
  await page.keyboard.press("Escape");

  for (const path of ["/settings/users", "/settings/users?filter=without-2fa", "/settings/audit"]) {
    await page.goto(path);
    await expectAccessible(page, path);
  }
  const member = withHydration(await (await browser.newContext({ baseURL })).newPage());
  await acceptAsNewUser(member, await invite(page, newEmail("axe-member")), "Axe Member");
  await expect(member.getByRole("dialog", { name: "Enable Two-Factor Authentication" })).toBeVisible(); // the account enforces 2FA
  await expect(member.getByTestId("secret-key")).toBeVisible();
  await expectAccessible(member, "forced enrolment at sign-in");
  await enrolInOpenDialog(member);
  await expect(member).toHaveURL(/\/profile$/);
  await page.goto("/settings/users");
  await page.getByRole("button", { name: "Remove Axe Member" }).click();
  await expect(page.getByRole("dialog", { name: "Remove Axe Member from this account?" })).toBeVisible();
  await expectAccessible(page, "remove member dialog");
});

test("the Sessions card with another session, and its dialog", async ({ page, browser, baseURL }) => {
  const email = await signUp(page, "Axe Sessions");
  const other = withHydration(await (await browser.newContext({ baseURL })).newPage());
  await asOwnClient(other);
  await enterPassword(other, email);
  await expect(other).toHaveURL(/\/profile$/);
  await page.reload();
  const sessions = page.getByRole("region", { name: "Sessions" });
  await expect(sessions.getByRole("listitem")).toHaveCount(2);
  await expectAccessible(page, "sessions card with a Sign out button");
  await sessions.getByRole("button", { name: "Sign out other sessions" }).click();
  await expect(page.getByRole("dialog", { name: "Sign out other sessions?" })).toBeVisible();
  await expectAccessible(page, "sign out other sessions dialog");
  await page.keyboard.press("Escape");
});
