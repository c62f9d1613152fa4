// The DevTools virtual authenticator standing in for a YubiKey, and the profile's key steps.
import type { CDPSession, Page } from "@playwright/test";
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

export async function addKey(page: Page, name: string) {
  await page.getByRole("button", { name: "Add security key or passkey" }).click();
  const dialog = page.getByRole("dialog", { name: "Add security key or passkey" });
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByRole("button", { name: "Continue" }).click();
  await expect(dialog).toBeHidden();
}

export const keyList = (page: Page) => page.getByRole("list", { name: "Your security keys and passkeys" });
