// Helpers for the security-key tests: register a software authenticator, start a sign-in that asks
// for a second factor.
import { expect } from "vitest";
import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { challengeFactorOptions, checkPassword } from "@/lib/auth/sign-in";
import { webAuthnRegistrationOptions, verifyWebAuthnRegistration } from "@/lib/two-factor/webauthn/registration";
import { relyingParty } from "@/lib/two-factor/webauthn/relying-party";
import { SoftAuthenticator } from "../support/soft-authenticator";
import { makeUserWithTwoFactor, meta, PASSWORD, setupNow, versionNow } from "./fixtures";

export const rp = relyingParty();
export const key = (response: ReturnType<SoftAuthenticator["assert"]>) => ({ method: "webauthn" as const, response });
export const totp = (code: string) => ({ method: "totp" as const, code });

export async function registerKey(userId: string, name = "YubiKey", authenticator = new SoftAuthenticator(rp)) {
  const options = await webAuthnRegistrationOptions(userId, await setupNow(userId));
  const result = await verifyWebAuthnRegistration(
    userId,
    { response: authenticator.register(options), name },
    meta,
    await versionNow(userId),
  );
  return { authenticator, ...result };
}

/** A user with an authenticator app and a security key (sign-in asks for a second factor today). */
export async function userWithKey(name = "Grace") {
  const account = await makeUserWithTwoFactor(name);
  return { ...account, ...(await registerKey(account.user.id)) };
}

export async function startSignIn(email: string) {
  const { token, requirement } = await checkPassword(email, PASSWORD, meta);
  expect(requirement).toBe("verify");
  return { token, options: await signInOptions(token) };
}

/** A security key's options for an open sign-in, as the login page's action hands them to the browser. */
export const signInOptions = (token: string | undefined) =>
  challengeFactorOptions(token, "webauthn") as Promise<PublicKeyCredentialRequestOptionsJSON>;
