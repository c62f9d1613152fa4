// What the browser sends for a security key, checked before anything else happens. Client-safe
// (no Node or database imports): server actions and components share these schemas.
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from "@simplewebauthn/server";
import { z } from "zod";
import { isPlainName } from "@/lib/plain-text";

const base64url = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[A-Za-z0-9_-]+$/);

// Sizes well above what real authenticators send, so no huge body reaches the parser.
const credential = {
  id: base64url(1400),
  rawId: base64url(1400),
  type: z.literal("public-key"),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
  clientExtensionResults: z.record(z.string(), z.unknown()),
};

const authenticationResponse = z.object({
  ...credential,
  response: z.object({
    clientDataJSON: base64url(4096),
    authenticatorData: base64url(4096),
    signature: base64url(1024),
    userHandle: base64url(1024).optional(),
  }),
});

const registrationResponse = z.object({
  ...credential,
  response: z.object({
    clientDataJSON: base64url(4096),
    attestationObject: base64url(32_768),
    authenticatorData: base64url(4096).optional(),
    transports: z.array(z.string().max(32)).max(10).optional(),
    publicKeyAlgorithm: z.number().int().optional(),
    publicKey: base64url(4096).optional(),
  }),
});

// The library's own types, which zod's inferred ones match in shape (transports are filtered on storing).
export const authenticationResponseSchema = authenticationResponse as unknown as z.ZodType<AuthenticationResponseJSON>;
export const registrationResponseSchema = registrationResponse as unknown as z.ZodType<RegistrationResponseJSON>;

/** A security key as a fresh second factor: the assertion for options the server issued. */
export const webAuthnProofSchema = z.object({ method: z.literal("webauthn"), response: authenticationResponseSchema });
export type WebAuthnProof = z.infer<typeof webAuthnProofSchema>;

export const SECURITY_KEY_NAME_MAX = 60;
export const securityKeyNameSchema = z
  .string()
  .trim()
  .min(1, "Give the key a name, for example “YubiKey” or “Laptop”.")
  .max(SECURITY_KEY_NAME_MAX, `Use at most ${SECURITY_KEY_NAME_MAX} characters.`)
  .refine(isPlainName, "Use letters, digits and punctuation only.");
