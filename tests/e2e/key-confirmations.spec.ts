// A security key confirms changes on the profile and in the account settings, in Chromium with the
// DevTools virtual authenticator: removing the authenticator app alone (the key stays and still signs
// in), regenerating recovery codes and stopping enforcement with the key as the only factor, and
// adding the app back. Adding the key itself, next to the app, is confirmed with the app.
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { totpCode } from "../../lib/two-factor/totp";
import { enrol, enterPassword, errorAlert, signOut, signUp } from "./helpers";
import { confirmWithApp, keyList, plugInKey } from "./security-keys";

const twoFactorCard = (page: Page) => page.getByRole("region", { name: "Two-Factor Authentication" });
const appPart = (page: Page) => page.getByRole("region", { name: "Authenticator app" });

test("a user with the app and a key removes the app alone, then confirms changes with the key", async ({ page }) => {
  test.setTimeout(180_000);
  const email = await signUp(page, "Key Only");
  const { app } = await enrol(page);
  await plugInKey(page);
  // Adding a key next to the app: "Confirm it's you" with the app before the browser asks for the key.
  await page.getByRole("button", { name: "Add security key or passkey" }).click();
  const addDialog = page.getByRole("dialog", { name: "Add security key or passkey" });
  await addDialog.getByLabel("Name").fill("Desk YubiKey");
  await addDialog.getByRole("button", { name: "Continue" }).click();
  const confirmStep = addDialog.getByRole("region", { name: "Confirm it's you" });
  await expect(confirmStep.getByLabel("6-digit code from your authenticator app")).toBeFocused();
  await page.screenshot({ path: "test-results/screens/add-key-confirm-its-you.png" });
  await confirmStep.getByLabel("6-digit code from your authenticator app").fill(await app.wrongCode());
  await confirmStep.getByRole("button", { name: "Confirm" }).click();
  await expect(errorAlert(addDialog)).toContainText("That code is not correct");
  await expect(keyList(page)).toHaveCount(0);
  await confirmWithApp(addDialog, await app.nextCode());
  await expect(addDialog).toBeHidden();
  await expect(keyList(page)).toContainText("Desk YubiKey");
  await expect(appPart(page).getByRole("button", { name: "Remove authenticator app" })).toBeVisible();
  await twoFactorCard(page).screenshot({ path: "test-results/screens/two-factor-card-app-and-key.png" });

  // Remove the authenticator app alone: the prompt offers the key first.
  await appPart(page).getByRole("button", { name: "Remove authenticator app" }).click();
  const removeApp = page.getByRole("dialog", { name: "Remove authenticator app?" });
  await expect(removeApp).toContainText("Your security keys and recovery codes stay.");
  await expect(removeApp.getByRole("button", { name: "Use your authenticator app instead" })).toBeVisible();
  await page.screenshot({ path: "test-results/screens/remove-app-key-proof.png" });
  await removeApp.getByRole("button", { name: "Remove" }).click();
  await expect(removeApp).toBeHidden();
  await expect(appPart(page)).toContainText("Not set up");
  await expect(appPart(page).getByRole("button", { name: "Set up authenticator app" })).toBeVisible();
  await expect(page.getByRole("switch", { name: "Two-Factor Authentication" })).toBeChecked();
  await expect(keyList(page)).toContainText("Desk YubiKey");
  await expect(page.getByTestId("recovery-codes-left")).toHaveText("10");
  await twoFactorCard(page).screenshot({ path: "test-results/screens/two-factor-card-key-only.png" });

  // Regenerate recovery codes with the key alone (no code is offered: the app is gone).
  await twoFactorCard(page).getByRole("button", { name: "Regenerate recovery codes" }).click();
  const regen = page.getByRole("dialog", { name: "Regenerate recovery codes" });
  await expect(regen).toContainText("When you continue, your browser asks for your security key");
  await expect(regen.getByRole("button", { name: /instead/ })).toHaveCount(0);
  await page.screenshot({ path: "test-results/screens/regenerate-key-proof.png" });
  await regen.getByRole("button", { name: "Regenerate" }).click();
  const fresh = page.getByRole("dialog", { name: "Save your new recovery codes" });
  await expect(fresh.getByTestId("recovery-codes").locator("li")).toHaveCount(10);
  await fresh.getByLabel("I have saved these codes").check();
  await fresh.getByRole("button", { name: "Done" }).click();

  // Enforce 2FA on the account, then stop enforcing, confirmed with the key.
  await page.goto("/settings/authentication");
  const enforce = page.getByRole("switch", { name: "Enforce Two Factor Authentication" });
  await enforce.click();
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(enforce).toBeChecked();
  await enforce.click();
  const stop = page.getByRole("dialog", { name: "Stop enforcing two-factor authentication?" });
  await expect(stop).toContainText("When you continue, your browser asks for your security key");
  await page.screenshot({ path: "test-results/screens/stop-enforcing-key-proof.png" });
  await stop.getByRole("button", { name: "Stop enforcing" }).click();
  await expect(stop).toBeHidden();
  await expect(enforce).not.toBeChecked();

  // The key still signs in; the app is not offered.
  await page.goto("/profile");
  await signOut(page);
  await enterPassword(page, email);
  await expect(page.getByRole("button", { name: "Use your authenticator app instead" })).toHaveCount(0);
  await page.getByRole("button", { name: "Use your security key" }).click();
  await expect(page).toHaveURL(/\/profile$/);

  // The app again, now next to the key alone: the key confirms it before the QR code is shown.
  await appPart(page).getByRole("button", { name: "Set up authenticator app" }).click();
  const enrolDialog = page.getByRole("dialog", { name: "Enable Two-Factor Authentication" });
  const keyStep = enrolDialog.getByRole("region", { name: "Confirm it's you" });
  await expect(keyStep).toContainText("When you continue, your browser asks for your security key");
  await expect(enrolDialog.getByTestId("secret-key")).toHaveCount(0);
  await keyStep.getByRole("button", { name: "Confirm" }).click();
  const secret = (await enrolDialog.getByTestId("secret-key").innerText()).replace(/\s/g, "");
  await enrolDialog.getByLabel("6-digit code from the app").fill(await totpCode(secret));
  await enrolDialog.getByRole("button", { name: "Enable" }).click();
  await expect(enrolDialog).toBeHidden(); // no new recovery codes: the saved set stays valid
  await expect(appPart(page).getByRole("button", { name: "Remove authenticator app" })).toBeVisible();
});
