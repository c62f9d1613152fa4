import "server-only";
import { malformedWebAuthnProof, verifyWebAuthnAssertion, webAuthnAuthenticationOptions } from "./assertion";
import { removeAllWebAuthnCredentials, webAuthnEnrolled } from "./credentials";

/**
 * A security key or passkey in the shape of the factor registry's `Factor<"webauthn">` (branch
 * `factors`, lib/two-factor/factors/factor.ts), so wiring it is one registry line plus
 * `webAuthnProofSchema` (./schema) in the proof union. Until then nothing imports this.
 */
export const webAuthnFactor = {
  kind: "webauthn" as const,
  label: "security key",
  enrolled: webAuthnEnrolled,
  options: webAuthnAuthenticationOptions,
  malformed: malformedWebAuthnProof,
  verify: verifyWebAuthnAssertion,
  remove: removeAllWebAuthnCredentials,
};
