import { PASSWORD_PATH, SECOND_FACTOR_PATH } from "../../components/auth/sign-in/sign-in-routes";
import { expect, test } from "./fixtures";
import { enterPassword, openDevMailbox, signOut, signUp } from "./helpers";
import { DEV_APP } from "./ports";

test.use({ baseURL: DEV_APP });

test("development: password reset through the dev mailbox", async ({ page }) => {
  test.setTimeout(300_000);
  // The dev server compiles each route on first use; compile them before the timed steps.
  for (const path of [
    "/signup",
    "/login",
    "/profile",
    "/forgot-password",
    "/dev/mailbox",
    "/reset-password/warm-up-token-xxxxxxxxxx",
    "/signup/verify/warm-up-token-xxxxxxxxxx",
    "/login?continue=1",
    "/api/auth/csrf",
    "/api/auth/session",
    // Sign-in's JSON routes take POST only: a GET answers 405, and compiles them. Left cold, the first
    // password step waited for its compile past the sign-in's 10 s (CI, 2026-12-05).
    PASSWORD_PATH,
    SECOND_FACTOR_PATH,
  ]) {
    // A (worthless) session cookie gets /profile past proxy.ts's signed-out redirect, so the page and
    // its layout compile now; the page itself still sends this visitor to /login.
    const headers = path === "/profile" ? { cookie: "next-auth.session-token=warm-up" } : undefined;
    await page.request.get(path, { timeout: 120_000, headers });
  }
  const email = await signUp(page, "Dev Person");
  await signOut(page);
  await page.goto("/forgot-password");
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByRole("status").filter({ hasText: "If that email has an account" })).toBeVisible();

  const message = await openDevMailbox(page, email, "Reset your Twofold password");
  await message.getByRole("link", { name: /\/reset-password\// }).click();
  await page.getByLabel("New password").fill("dev mailbox password");
  await page.getByRole("button", { name: "Change password" }).click();
  // The reset's server action is compiled on its first POST, which the GETs above cannot reach: that
  // POST took 9.5 s and the page after it 3.2 s in CI run 37 (2026-12-06), past the default 10 s.
  await expect(page).toHaveURL(/\/login\?reset=done/, { timeout: 60_000 });
  await enterPassword(page, email, "dev mailbox password");
  await expect(page).toHaveURL(/\/profile$/);
});
