import "server-only";
import { audit, AuditType } from "@/lib/audit";
import { AppError, ErrorCode } from "@/lib/errors";
import type { RequestMeta } from "@/lib/request-meta";
import { assertWellFormed, verifySecondFactor } from "@/lib/two-factor/attempts";
import type { Proof } from "@/lib/two-factor/proof";
import { CHALLENGE_MAX_ATTEMPTS, findChallenge, reserveChallengeAttempt, satisfyChallenge } from "./challenge";

/**
 * Step 2: the second factor, against the challenge named by the httpOnly cookie. The user comes from
 * the challenge, never from the request. 5 attempts per challenge, 10 per user per 15 minutes.
 */
export async function verifyChallengeSecondFactor(token: string | undefined, proof: Proof, meta: RequestMeta) {
  const challenge = await findChallenge(token);
  if (!challenge || challenge.requirement !== "verify" || challenge.satisfiedAt) {
    throw new AppError(ErrorCode.challengeExpired);
  }
  assertWellFormed(proof);
  const reserved = await reserveChallengeAttempt(challenge.id);
  if (!reserved.ok) throw new AppError(ErrorCode.challengeExpired);
  try {
    const result = await verifySecondFactor(challenge.userId, proof, meta, { challengeId: challenge.id });
    await satisfyChallenge(challenge.id);
    return { user: challenge.user, result };
  } catch (error) {
    if (
      reserved.attempts === CHALLENGE_MAX_ATTEMPTS &&
      error instanceof AppError &&
      error.code !== ErrorCode.secondFactorLocked
    ) {
      await audit({ type: AuditType.challengeExhausted, subjectId: challenge.userId, meta });
      throw new AppError(
        ErrorCode.challengeExpired,
        "Too many wrong codes for this sign-in. Please sign in again with your password.",
      );
    }
    if (error instanceof AppError && error.code === ErrorCode.invalidCode) {
      const left = CHALLENGE_MAX_ATTEMPTS - reserved.attempts;
      throw new AppError(
        ErrorCode.invalidCode,
        `That code is not correct. ${left} attempt${left === 1 ? "" : "s"} left.`,
      );
    }
    throw error;
  }
}
