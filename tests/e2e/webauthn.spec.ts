// Security keys end to end in Chromium, with the DevTools virtual authenticator standing in for a
// YubiKey. The replayed assertion and the races are proven by tests/integration/webauthn.test.ts.
import type { CDPSession, Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { enrol, enterPassword, errorAlert, signOut, signUp } from "./helpers";
import { readmeScreenshot } from "./screenshots";

type Authenticator = { cdp: CDPSession; authenticatorId: string };

/** A USB security key with a PIN, as Chromium's DevTools protocol emulates one. */
async function plugInKey(page: Page, cdp?: CDPSession): Promise<Authenticator> {
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

async function unplug({ cdp, authenticatorId }: Authenticator) {
  await cdp.send("WebAuthn.removeVirtualAuthenticator", { authenticatorId });
}

async function addKey(page: Page, name: string) {
  await page.getByRole("button", { name: "Add security key or passkey" }).click();
  const dialog = page.getByRole("dialog", { name: "Add security key or passkey" });
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByRole("button", { name: "Continue" }).click();
  await expect(dialog).toBeHidden();
}

const keyList = (page: Page) => page.getByRole("list", { name: "Your security keys and passkeys" });

test("a key added on the profile is offered first at sign-in and works; another authenticator and a removed key are refused", async ({
  page,
}) => {
  test.setTimeout(180_000);
  const email = await signUp(page, "Keyholder");
  const { app } = await enrol(page);
  const first = await plugInKey(page);
  await addKey(page, "Desk YubiKey");
  await expect(keyList(page).getByRole("listitem")).toHaveCount(1);
  await expect(keyList(page).getByRole("listitem")).toContainText("Desk YubiKey");
  await expect(keyList(page)).toContainText("Last used never");
  await readmeScreenshot(page.getByRole("region", { name: "Two-Factor Authentication" }), "security-keys");
  await signOut(page);

  // The key is offered first, with the code and a recovery code as alternatives.
  await enterPassword(page, email);
  const useKey = page.getByRole("button", { name: "Use your security key" });
  await expect(useKey).toBeVisible();
  await expect(page.getByRole("button", { name: "Use your authenticator app instead" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Use a recovery code instead" })).toBeVisible();
  await readmeScreenshot(page, "sign-in-security-key");
  await useKey.click();
  await expect(page).toHaveURL(/\/profile$/);
  await expect(keyList(page)).not.toContainText("Last used never");
  const { credentials } = await first.cdp.send("WebAuthn.getCredentials", { authenticatorId: first.authenticatorId });
  expect(credentials).toHaveLength(1);
  await signOut(page);

  // An authenticator without the user's key: a clear refusal, and the code still works.
  await unplug(first);
  const stranger = await plugInKey(page, first.cdp);
  await enterPassword(page, email);
  await page.getByRole("button", { name: "Use your security key" }).click();
  await expect(errorAlert(page)).toContainText("not one registered to this account");
  await page.getByRole("button", { name: "Use your authenticator app instead" }).click();
  await page.getByLabel("Authentication code").fill(await app.nextCode());
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page).toHaveURL(/\/profile$/);

  // A second key on this authenticator confirms removing the first (the prompt offers keys first).
  await addKey(page, "Backup key");
  await keyList(page).getByRole("button", { name: "Remove Desk YubiKey" }).click();
  const remove = page.getByRole("dialog", { name: "Remove “Desk YubiKey”?" });
  await remove.getByRole("button", { name: "Remove" }).click();
  await expect(remove).toBeHidden();
  await expect(keyList(page)).not.toContainText("Desk YubiKey");
  await signOut(page);

  // The removed key, back on a fresh authenticator, is refused.
  await unplug(stranger);
  const old = await plugInKey(page, first.cdp);
  await old.cdp.send("WebAuthn.addCredential", { authenticatorId: old.authenticatorId, credential: credentials[0]! });
  await enterPassword(page, email);
  await page.getByRole("button", { name: "Use your security key" }).click();
  await expect(errorAlert(page)).toContainText("not one registered to this account");
  await expect(page).toHaveURL(/\/login/);
});
