// The DevTools virtual authenticator standing in for a YubiKey, and the profile's key steps.
import type { CDPSession, Locator, Page } from "@playwright/test";
import { expect } from "./fixtures";

export type Authenticator = { cdp: CDPSession; authenticatorId: string };

/** A USB security key with a PIN, as Chromium's DevTools protocol emulates one. */
export async function plugInKey(page: Page, cdp?: CDPSession): Promise<Authenticator> {
  const session = cdp ?? (await page.context().newCDPSession(page));
  if (!cdp) await session.send("WebAuthn.enable");
  const { authenticatorId } = await session.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "usb",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
    },
  });
  return { cdp: session, authenticatorId };
}

export async function unplug({ cdp, authenticatorId }: Authenticator) {
  await cdp.send("WebAuthn.removeVirtualAuthenticator", { authenticatorId });
}

/**
 * Adds a key on the profile. A user who already has a factor is asked to confirm it's them first:
 * `appCode` answers with the authenticator app (switching to it when a key is offered first).
 */
export async function addKey(page: Page, name: string, appCode?: string) {
  await page.getByRole("button", { name: "Add security key or passkey" }).click();
  const dialog = page.getByRole("dialog", { name: "Add security key or passkey" });
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByRole("button", { name: "Continue" }).click();
  if (appCode) await confirmWithApp(dialog, appCode);
  await expect(dialog).toBeHidden();
}

/** "Confirm it's you" in an open dialog, with a code from the authenticator app. */
export async function confirmWithApp(dialog: Locator, code: string) {
  const step = dialog.getByRole("region", { name: "Confirm it's you" });
  await expect(step).toBeVisible();
  const useApp = step.getByRole("button", { name: "Use your authenticator app instead" });
  if (await useApp.isVisible()) await useApp.click();
  await step.getByLabel("6-digit code from your authenticator app").fill(code);
  await step.getByRole("button", { name: "Confirm" }).click();
}

export const keyList = (page: Page) => page.getByRole("list", { name: "Your security keys and passkeys" });
