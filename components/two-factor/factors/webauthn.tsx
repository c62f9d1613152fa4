import { startAuthentication, type PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/browser";
import type { FactorUi } from "./types";

/** What the browser's refusals mean to a person (no key touched, a key that is not registered here). */
export function keyErrorMessage(error: unknown): string {
  const name = error instanceof Error ? error.name : "";
  if (name === "NotAllowedError" || name === "AbortError")
    return "Your security key did not answer, or it is not one registered to this account. Try again, or use another way.";
  if (name === "NotSupportedError") return "This browser cannot use security keys. Use another way.";
  return error instanceof Error && error.message ? error.message : "The security key could not be used.";
}

/** A security key or passkey: the browser asks for it once the button is pressed. */
export const webAuthnUi: FactorUi = {
  prompt: "Sign in with your security key or passkey.",
  signInLabel: "Security key",
  confirmLabel: "Security key",
  switchLabel: "Use your security key instead",
  submitLabel: "Use your security key",
  ceremony: true,
  Input: ({ label }) => (
    <p className="text-sm text-slate-600">
      <span className="sr-only">{label}: </span>When you continue, your browser asks for your security key or passkey.
    </p>
  ),
  async readProof(_form, options) {
    const optionsJSON = (await options()) as PublicKeyCredentialRequestOptionsJSON;
    try {
      return { method: "webauthn", response: await startAuthentication({ optionsJSON }) };
    } catch (error) {
      throw new Error(keyErrorMessage(error));
    }
  },
};
