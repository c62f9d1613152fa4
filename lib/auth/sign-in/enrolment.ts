import "server-only";
import { db } from "@/lib/db";
import { AppError, ErrorCode } from "@/lib/errors";
import type { RequestMeta } from "@/lib/request-meta";
import { beginEnrolment, confirmEnrolment } from "@/lib/two-factor/factors/totp-enrolment";
import { verifyWebAuthnRegistration, webAuthnRegistrationOptions } from "@/lib/two-factor/webauthn/registration";
import { findChallenge } from "./challenge";

/** Forced enrolment during sign-in, for a challenge that requires it (enforcement, no authenticator). */
async function enrolmentChallenge(token: string | undefined) {
  const challenge = await findChallenge(token);
  if (!challenge || challenge.requirement !== "enrol" || challenge.satisfiedAt)
    throw new AppError(ErrorCode.challengeExpired);
  return challenge;
}

export async function beginChallengeEnrolment(token: string | undefined) {
  const challenge = await enrolmentChallenge(token);
  return beginEnrolment(challenge.user, { version: challenge.userVersion, confirmedWith: null });
}

/** Forced enrolment with a security key: registration options bound to this user (5 minutes). */
export async function beginChallengeKeyEnrolment(token: string | undefined) {
  const challenge = await enrolmentChallenge(token);
  return webAuthnRegistrationOptions(challenge.userId, { version: challenge.userVersion, confirmedWith: null });
}

/**
 * Confirms the enrolment and marks the challenge done. Enabling 2FA bumps the session version (which
 * kills other open challenges); this one is carried over to the new version so the sign-in finishes.
 * Both steps are compare-and-set against the version the challenge was issued under: 2FA is enabled
 * only if that is still the user's version, and the challenge moves only from that version to the one
 * right after it. A password change at any moment in between leaves the challenge dead.
 */
export async function finishChallengeEnrolment(token: string | undefined, code: string, meta: RequestMeta) {
  return finishWith(token, (userId, version) => confirmEnrolment(userId, code, meta, version));
}

/** The same with a security key's registration answer and its name. */
export async function finishChallengeKeyEnrolment(
  token: string | undefined,
  input: { response: unknown; name: unknown },
  meta: RequestMeta,
) {
  return finishWith(token, (userId, version) => verifyWebAuthnRegistration(userId, input, meta, version));
}

async function finishWith(
  token: string | undefined,
  enrol: (userId: string, expectedVersion: number) => Promise<{ recoveryCodes: string[] | null }>,
) {
  const challenge = await enrolmentChallenge(token);
  const issuedUnder = challenge.userVersion;
  const { recoveryCodes } = await enrol(challenge.userId, issuedUnder).catch((error: unknown) => {
    if (error instanceof AppError && error.code === ErrorCode.notSignedIn)
      throw new AppError(ErrorCode.challengeExpired);
    throw error;
  });
  const prisma = await db();
  // If this finds nothing, 2FA is on but the sign-in is over: the codes are still shown (they work),
  // and the sign-in page then asks for the password again.
  await prisma.loginChallenge.updateMany({
    where: {
      id: challenge.id,
      usedAt: null,
      satisfiedAt: null,
      userVersion: issuedUnder,
      user: { sessionVersion: issuedUnder + 1 },
    },
    data: { userVersion: issuedUnder + 1, satisfiedAt: new Date() },
  });
  // The user had no second factor (else there is no forced enrolment), so codes were issued.
  return { recoveryCodes: recoveryCodes ?? [] };
}
