import "server-only";
import { requireRecentPassword } from "@/lib/auth/recent-password";
import { AppError, ErrorCode } from "@/lib/errors";
import type { RequestMeta } from "@/lib/request-meta";
import { verifySecondFactor } from "./attempts";
import { assertAppNotSetUp, beginEnrolment } from "./factors/totp-enrolment";
import type { Proof } from "./proof";
import { hasSecondFactor } from "./second-factor";
import type { Setup } from "./setup";
import { webAuthnRegistrationOptions } from "./webauthn/registration";

/** Who asks to add a factor: the signed-in user, and the session the request came with and its version. */
export type Adding = {
  user: { id: string; email: string };
  session: { id: string; version: number; generation: number };
  meta: RequestMeta;
};

/**
 * What opening a new factor's setup needs: the password lately in this session and, when the user
 * already has a second factor, a fresh proof of one of them in the same request (OWASP: a factor is
 * added with an existing one). Without the proof, a stolen session plus the password could add the
 * thief's own key or app, which would then answer every later "fresh second factor" prompt. The
 * password comes first, so a refusal for it never spends the proof, and so does `refuseFirst` (a
 * factor that cannot be added at all). Returns the setup to open (./setup.ts): under the session's
 * version, which was checked before anything here, so a first factor that lands after the check
 * still ends it; and what confirmed it, null for a first factor (forced enrolment too).
 */
export async function confirmFactorAddition(
  { user, session, meta }: Adding,
  proof: Proof | undefined,
  refuseFirst?: () => Promise<unknown>,
): Promise<Setup> {
  await requireRecentPassword(session);
  await refuseFirst?.();
  if (!(await hasSecondFactor(user.id))) return { version: session.version, confirmedWith: null };
  if (!proof) throw new AppError(ErrorCode.secondFactorRequired);
  await verifySecondFactor(user.id, proof, meta);
  return { version: session.version, confirmedWith: proof.method };
}

/** A security key's registration options (the ceremony addSecurityKey finishes), once confirmed. */
export async function startKeyRegistration(adding: Adding, proof: Proof | undefined) {
  return webAuthnRegistrationOptions(adding.user.id, await confirmFactorAddition(adding, proof));
}

/** The authenticator app's pending secret, once confirmed (an app already set up is refused unspent). */
export async function startAppEnrolment(adding: Adding, proof: Proof | undefined) {
  const setup = await confirmFactorAddition(adding, proof, () => assertAppNotSetUp(adding.user.id));
  return beginEnrolment(adding.user, setup);
}
