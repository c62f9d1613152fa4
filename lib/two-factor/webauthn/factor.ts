import "server-only";
import type { Factor } from "../factors/factor";
import { malformedWebAuthnProof, verifyWebAuthnAssertion, webAuthnAuthenticationOptions } from "./assertion";
import { removeAllWebAuthnCredentials, webAuthnEnrolled } from "./credentials";

/**
 * A security key or passkey. Its ceremony starts on the server (`options`): at sign-in bound to the
 * login challenge, otherwise (confirming a change) to the user for 5 minutes. The attempt limits,
 * lockout and audit of failures are verifySecondFactor's, as for codes.
 */
export const webAuthnFactor: Factor<"webauthn"> = {
  kind: "webauthn",
  label: "security key",
  enrolled: webAuthnEnrolled,
  options: (userId, { challengeId }) => webAuthnAuthenticationOptions(userId, { challengeId }),
  refused: {
    invalid: "That security key was not accepted.",
    replay: "That security key request was already used or has expired. Please try again.",
  },
  malformed: malformedWebAuthnProof,
  verify: verifyWebAuthnAssertion,
  remove: removeAllWebAuthnCredentials,
};
