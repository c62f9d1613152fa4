// Security keys end to end in Chromium, with the DevTools virtual authenticator standing in for a
// YubiKey. The replayed assertion and the races are proven by tests/integration/webauthn.test.ts.
import { expect, test } from "./fixtures";
import { enrol, enterPassword, errorAlert, signOut, signUp } from "./helpers";
import { SERVERS } from "./ports";
import { readmeScreenshot } from "./screenshots";
import { addKey, keyList, plugInKey, unplug } from "./security-keys";

// The same journey on both production servers (the embedded database and PostgreSQL).
for (const server of SERVERS)
  test.describe(server.name, () => {
    test.use({ baseURL: server.baseURL });
    // The README shows the embedded-database run's pictures; the other server's are kept beside them.
    const inReadme = server === SERVERS[0];
    const shot = (name: string) => (inReadme ? name : `${name}-postgres`);

    test("a key added on the profile is offered first at sign-in and works; another authenticator and a removed key are refused", async ({
      page,
    }) => {
      test.setTimeout(180_000);
      const email = await signUp(page, "Keyholder");
      const { app } = await enrol(page);
      const first = await plugInKey(page);
      await addKey(page, "Desk YubiKey", await app.nextCode());
      await expect(keyList(page).getByRole("listitem")).toHaveCount(1);
      await expect(keyList(page).getByRole("listitem")).toContainText("Desk YubiKey");
      await expect(keyList(page)).toContainText("Last used never");
      await readmeScreenshot(page.getByRole("region", { name: "Two-Factor Authentication" }), shot("security-keys"), {
        inReadme,
      });
      await signOut(page);

      // The key is offered first, with the code and a recovery code as alternatives.
      await enterPassword(page, email);
      const useKey = page.getByRole("button", { name: "Use your security key" });
      await expect(useKey).toBeVisible();
      await expect(page.getByRole("button", { name: "Use your authenticator app instead" })).toBeVisible();
      await expect(page.getByRole("button", { name: "Use a recovery code instead" })).toBeVisible();
      await readmeScreenshot(page, shot("sign-in-security-key"), { inReadme });
      await useKey.click();
      await expect(page).toHaveURL(/\/profile$/);
      await expect(keyList(page)).not.toContainText("Last used never");
      const { credentials } = await first.cdp.send("WebAuthn.getCredentials", {
        authenticatorId: first.authenticatorId,
      });
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

      // A second key on this authenticator (confirmed with the app: the key it holds is not the
      // user's) confirms removing the first (the prompt offers keys first).
      await addKey(page, "Backup key", await app.nextCode());
      await keyList(page).getByRole("button", { name: "Remove Desk YubiKey" }).click();
      const remove = page.getByRole("dialog", { name: "Remove “Desk YubiKey”?" });
      await remove.getByRole("button", { name: "Remove" }).click();
      await expect(remove).toBeHidden();
      await expect(keyList(page)).not.toContainText("Desk YubiKey");
      await signOut(page);

      // The removed key, back on a fresh authenticator, is refused.
      await unplug(stranger);
      const old = await plugInKey(page, first.cdp);
      await old.cdp.send("WebAuthn.addCredential", {
        authenticatorId: old.authenticatorId,
        credential: credentials[0]!,
      });
      await enterPassword(page, email);
      await page.getByRole("button", { name: "Use your security key" }).click();
      await expect(errorAlert(page)).toContainText("not one registered to this account");
      await expect(page).toHaveURL(/\/login/);
    });
  });
