import type { Page } from "@playwright/test";
import { expect, hydrated, test } from "./fixtures";
import { enrol, enterPassword, signOut, signUp, errorAlert, wrongCode } from "./helpers";
import { readmeScreenshot } from "./screenshots";

async function codeStep(page: Page, code: string) {
  await page.getByLabel("Authentication code").fill(code);
  await page.getByRole("button", { name: "Verify" }).click();
}

test("enrol, sign in with a code, refuse its replay, use a recovery code, regenerate, turn off", async ({ page }) => {
  test.setTimeout(180_000); // each new code waits for a fresh 30-second step, as a person would
  const email = await signUp(page, "Grace");
  const { codes, app } = await enrol(page);
  expect(codes).toHaveLength(10);
  await expect(page.getByRole("switch", { name: "Two-Factor Authentication" })).toBeChecked();
  await expect(page.getByTestId("recovery-codes-left")).toHaveText("10");
  await signOut(page);

  // Password alone is not enough; the code is.
  await enterPassword(page, email);
  await expect(page.getByRole("heading", { name: "Two-Factor Authentication" })).toBeVisible();
  const code = await app.nextCode();
  await codeStep(page, code);
  await expect(page).toHaveURL(/\/profile$/);
  await signOut(page);

  // The same code again is refused.
  await enterPassword(page, email);
  await codeStep(page, code);
  await expect(errorAlert(page)).toContainText("already used");

  // A recovery code instead, in lower case without the dash.
  await page.getByRole("button", { name: "Use a recovery code instead" }).click();
  await page.getByLabel("Recovery code").fill(codes[0]!.toLowerCase().replace("-", ""));
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page).toHaveURL(/\/profile\?recoveryCodesLeft=9/);
  await expect(page.getByText("You signed in with a recovery code. 9 unused recovery codes left.")).toBeVisible();
  await hydrated(page); // a full navigation (not page.goto): a click before hydration would be lost

  // Regenerate: the old codes stop working.
  await page.getByRole("button", { name: "Regenerate recovery codes" }).click();
  const regen = page.getByRole("dialog", { name: "Regenerate recovery codes" });
  await regen.getByLabel("6-digit code from your authenticator app").fill(await app.nextCode());
  await regen.getByRole("button", { name: "Regenerate" }).click();
  const fresh = page.getByRole("dialog", { name: "Save your new recovery codes" });
  await expect(fresh.getByTestId("recovery-codes").locator("li")).toHaveCount(10);
  const newCodes = await fresh.getByTestId("recovery-codes").locator("li").allInnerTexts();
  await fresh.getByLabel("I have saved these codes").check();
  await fresh.getByRole("button", { name: "Done" }).click();
  await signOut(page);
  await enterPassword(page, email);
  await page.getByRole("button", { name: "Use a recovery code instead" }).click();
  await page.getByLabel("Recovery code").fill(codes[1]!);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(errorAlert(page)).toContainText("not correct");
  await page.getByLabel("Recovery code").fill(newCodes[0]!);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page).toHaveURL(/\/profile\?recoveryCodesLeft=9/);
  await hydrated(page);

  // Turning it off needs a code; a wrong one changes nothing.
  await page.getByRole("switch", { name: "Two-Factor Authentication" }).click();
  const off = page.getByRole("dialog", { name: "Turn off Two-Factor Authentication?" });
  await off.getByLabel("6-digit code from your authenticator app").fill(await app.wrongCode());
  await off.getByRole("button", { name: "Turn off" }).click();
  await expect(errorAlert(off)).toContainText("not correct");
  await off.getByLabel("6-digit code from your authenticator app").fill(await app.nextCode());
  await off.getByRole("button", { name: "Turn off" }).click();
  await expect(off).toBeHidden();
  await expect(page.getByRole("switch", { name: "Two-Factor Authentication" })).not.toBeChecked();
  await signOut(page);
  await enterPassword(page, email);
  await expect(page).toHaveURL(/\/profile$/);
});

test("after the code the browser waits for nothing more; without 2FA, a CSRF cookie replaced meanwhile is asked for again", async ({
  page,
  context,
}) => {
  const email = await signUp(page, "Hedy");
  const { app } = await enrol(page);
  await signOut(page);
  const calls: string[] = [];
  page.on("request", (r) => {
    const { pathname } = new URL(r.url());
    if (pathname.startsWith("/api/")) calls.push(`${r.method()} ${pathname}`);
  });

  // The second step's answer carries the session: no exchange through next-auth after the code.
  await enterPassword(page, email);
  await expect(page.getByRole("heading", { name: "Two-Factor Authentication" })).toBeVisible();
  const typed = calls.length;
  await codeStep(page, await app.nextCode());
  await expect(page).toHaveURL(/\/profile$/);
  expect(calls.slice(typed)).toEqual(["POST /api/login/second-factor"]);
  expect((await page.request.get("/api/me")).status()).toBe(200);
  await signOut(page);

  // Without a second factor the password step ends in next-auth's exchange. The CSRF cookie gone
  // between the token's prefetch (beside the password step) and the exchange: next-auth refuses the
  // early token, the browser asks for a new one and the sign-in still ends in a session.
  const plain = await signUp(page, "Ida");
  await signOut(page);
  const prefetched = page.waitForResponse((r) => new URL(r.url()).pathname === "/api/auth/csrf");
  await page.route("**/api/login/password", async (route) => {
    await prefetched;
    await context.clearCookies({ name: /csrf-token$/ });
    await route.continue();
  });
  const before = calls.length;
  await enterPassword(page, plain);
  await expect(page).toHaveURL(/\/profile$/);
  const after = calls.slice(before);
  expect(after.slice(after.indexOf("POST /api/login/password") + 1)).toEqual([
    "POST /api/auth/callback/challenge",
    "GET /api/auth/csrf",
    "POST /api/auth/callback/challenge",
  ]);
  expect((await page.request.get("/api/me")).status()).toBe(200);
});

test("a wrong code keeps the enrolment dialog open and Cancel enables nothing", async ({ page }) => {
  await signUp(page, "Careful");
  await page.getByRole("switch", { name: "Two-Factor Authentication" }).click();
  const dialog = page.getByRole("dialog", { name: "Enable Two-Factor Authentication" });
  const secret = (await dialog.getByTestId("secret-key").innerText()).replace(/\s/g, "");
  await dialog.getByLabel("6-digit code from the app").fill(await wrongCode(secret));
  await dialog.getByRole("button", { name: "Enable" }).click();
  await expect(errorAlert(dialog)).toContainText("not correct");
  await dialog.getByLabel("6-digit code from the app").fill("12345");
  await dialog.getByRole("button", { name: "Enable" }).click();
  await expect(errorAlert(dialog)).toContainText("6-digit code");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await page.reload();
  await expect(page.getByRole("switch", { name: "Two-Factor Authentication" })).not.toBeChecked();
});

test("five wrong codes end the sign-in; nothing is reachable with the password alone", async ({ page }) => {
  const email = await signUp(page, "Guarded");
  const { app } = await enrol(page);
  await signOut(page);
  await enterPassword(page, email);
  await expect(page.getByLabel("Authentication code")).toBeVisible();

  // Between the steps: no session anywhere.
  expect((await page.request.get("/api/me")).status()).toBe(401);
  expect(await (await page.request.get("/api/auth/session")).json()).toEqual({});
  for (const path of ["/profile", "/settings/authentication", "/settings/users", "/settings/audit"]) {
    const response = await page.request.get(path, { maxRedirects: 0 });
    expect({ path, status: response.status() }).toEqual({ path, status: 307 });
    expect(response.headers()["location"]).toContain("/login");
  }
  // Asking next-auth for a session directly fails too.
  const csrf = (await (await page.request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  await page.request.post("/api/auth/callback/challenge", { form: { csrfToken: csrf.csrfToken, json: "true" } });
  expect((await page.request.get("/api/me")).status()).toBe(401);

  const wrong = await app.wrongCode();
  for (let i = 0; i < 4; i++) {
    await codeStep(page, wrong);
    await expect(errorAlert(page)).toContainText(`${4 - i} attempt`);
  }
  await codeStep(page, wrong);
  await expect(errorAlert(page)).toContainText("Please sign in again");
  await expect(page.getByRole("button", { name: "Start again" })).toBeVisible();
  await expect(page.getByLabel("Authentication code")).toBeDisabled();

  await page.getByRole("button", { name: "Start again" }).click();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("correct horse battery staple");
  await page.getByRole("button", { name: "Sign in" }).click();
  await codeStep(page, await app.nextCode());
  await expect(page).toHaveURL(/\/profile$/);
});

test("keyboard-only enrolment: Tab, Space, Enter and Escape", async ({ page }) => {
  await signUp(page, "Keys");
  const toggle = page.getByRole("switch", { name: "Two-Factor Authentication" });
  await toggle.focus();
  await page.keyboard.press("Space");
  const dialog = page.getByRole("dialog", { name: "Enable Two-Factor Authentication" });
  await expect(dialog).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(toggle).not.toBeChecked();

  await toggle.focus();
  await page.keyboard.press("Space");
  await expect(dialog.getByLabel("6-digit code from the app")).toBeFocused();
  const secret = (await dialog.getByTestId("secret-key").innerText()).replace(/\s/g, "");
  const { totpCode } = await import("../../lib/two-factor/totp");
  await page.keyboard.type(await totpCode(secret));
  await page.keyboard.press("Enter");
  const codes = page.getByRole("dialog", { name: "Save your recovery codes" });
  await expect(codes).toBeVisible();
  await page.keyboard.press("Escape"); // must not close before the codes are saved
  await expect(codes).toBeVisible();
  const box = codes.getByLabel("I have saved these codes");
  for (let i = 0; i < 10 && !(await box.evaluate((el) => el === document.activeElement)); i++)
    await page.keyboard.press("Tab");
  await expect(box).toBeFocused();
  await page.keyboard.press("Space");
  await page.keyboard.press("Tab");
  await expect(codes.getByRole("button", { name: "Done" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(codes).toBeHidden();
  await expect(toggle).toBeChecked();
});

for (const viewport of [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
]) {
  test(`screenshots of the enrolment dialog and recovery codes at ${viewport.width}×${viewport.height}`, async ({
    page,
  }) => {
    await page.setViewportSize(viewport);
    await signUp(page, "Pictures");
    await page.getByRole("switch", { name: "Two-Factor Authentication" }).click();
    const dialog = page.getByRole("dialog", { name: "Enable Two-Factor Authentication" });
    await expect(dialog.getByRole("img", { name: "QR code for your authenticator app" })).toBeVisible();
    await expect(dialog.getByRole("button", { name: "Enable" })).toBeInViewport();
    await readmeScreenshot(page, `enrol-${viewport.width}`, { inReadme: viewport.width === 1280 });
    const secret = (await dialog.getByTestId("secret-key").innerText()).replace(/\s/g, "");
    const { totpCode } = await import("../../lib/two-factor/totp");
    await dialog.getByLabel("6-digit code from the app").fill(await totpCode(secret));
    await dialog.getByRole("button", { name: "Enable" }).click();
    const codes = page.getByRole("dialog", { name: "Save your recovery codes" });
    await expect(codes.getByRole("button", { name: "Done" })).toBeVisible();
    await readmeScreenshot(page, `recovery-codes-${viewport.width}`, { inReadme: viewport.width === 390 });
  });
}
