// What the browser and the server agree on about second factors, and nothing that needs the server:
// the proof a user sends, its schema, what a sign-in asks for, and the limits the UI shows.
// No Node or database imports: client components use its types. They take its values (the limits)
// as props from their page, since importing a value here would put zod into the browser bundle.
import { z } from "zod";
import { wholeNumberSchema } from "@/lib/whole-number";
import { authenticationResponseSchema } from "./webauthn/schema";

const code = z.string().trim().min(1, "Enter a code.").max(32, "That is not a valid code.");

/** A fresh second factor, as server actions accept it. One line per factor kind. */
export const proofSchema = z.discriminatedUnion("method", [
  z.object({ method: z.literal("totp"), code }),
  z.object({ method: z.literal("recovery"), code }),
  z.object({ method: z.literal("webauthn"), response: authenticationResponseSchema }),
]);
export type Proof = z.infer<typeof proofSchema>;
export type FactorKind = Proof["method"];
export type ProofOf<K extends FactorKind> = Extract<Proof, { method: K }>;

/** How people read a proof's kind (the audit log): "confirmed with an authenticator code". */
export const proofNames: Record<FactorKind, { noun: string; withArticle: string }> = {
  totp: { noun: "authenticator code", withArticle: "an authenticator code" },
  recovery: { noun: "recovery code", withArticle: "a recovery code" },
  webauthn: { noun: "security key", withArticle: "a security key" },
};

const isFactorKind = (value: unknown): value is FactorKind =>
  typeof value === "string" && Object.hasOwn(proofNames, value);
/** The words for a stored `method`, or null for anything that is not a kind (old or forged rows). */
export const proofName = (method: unknown) => (isFactorKind(method) ? proofNames[method] : null);

/** A code from the authenticator app alone (enrolment, regenerating recovery codes). */
export const totpCodeSchema = z.string().trim().min(1, "Enter the 6-digit code.").max(32, "That is not a valid code.");

/** What a sign-in asks for after the password; "enrol" also stops a signed-in user at enrolment. */
export type Requirement = "none" | "verify" | "enrol";

/** At or below this many unused recovery codes the user is warned to regenerate them. */
export const LOW_RECOVERY_CODES = 3;
/** The longest grace period an account may give its members to set up 2FA (30 days). */
export const MAX_GRACE_HOURS = 720;

export const graceHoursSchema = wholeNumberSchema("hours", MAX_GRACE_HOURS, " (30 days)");
