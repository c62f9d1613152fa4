import "server-only";
import { db } from "@/lib/db";
import { AppError, ErrorCode } from "@/lib/errors";
import type { RequestMeta } from "@/lib/request-meta";
import { beginEnrolment, confirmEnrolment } from "@/lib/two-factor/enrolment";
import { findChallenge } from "./challenge";

/** Forced enrolment during sign-in, for a challenge that requires it (enforcement, no authenticator). */
async function enrolmentChallenge(token: string | undefined) {
  const challenge = await findChallenge(token);
  if (!challenge || challenge.requirement !== "enrol" || challenge.satisfiedAt) throw new AppError(ErrorCode.challengeExpired);
  return challenge;
}

export async function beginChallengeEnrolment(token: string | undefined) {
  const challenge = await enrolmentChallenge(token);
  return beginEnrolment(challenge.user);
}

/**
 * Confirms the enrolment and marks the challenge done. Enabling 2FA bumps the session version (which
 * kills other open challenges); this one is carried over to the new version, so the sign-in finishes.
 */
export async function finishChallengeEnrolment(token: string | undefined, code: string, meta: RequestMeta) {
  const challenge = await enrolmentChallenge(token);
  const { recoveryCodes, sessionVersion } = await confirmEnrolment(challenge.userId, code, meta);
  const prisma = await db();
  await prisma.loginChallenge.updateMany({
    where: { id: challenge.id, usedAt: null, satisfiedAt: null },
    data: { userVersion: sessionVersion, satisfiedAt: new Date() },
  });
  return { recoveryCodes };
}
