import "server-only";
import { audit, AuditType } from "@/lib/audit";
import { AppError, ErrorCode } from "@/lib/errors";
import type { RequestMeta } from "@/lib/request-meta";
import { assertWellFormed, verifySecondFactor } from "@/lib/two-factor/attempts";
import { factorFor } from "@/lib/two-factor/factors";
import { factorKindsToOffer } from "@/lib/two-factor/second-factor";
import type { FactorKind, Proof } from "@/lib/two-factor/proof";
import { CHALLENGE_MAX_ATTEMPTS, findChallenge, reserveChallengeAttempt, satisfyChallenge } from "./challenge";

/**
 * Step 2: the second factor, against the challenge named by the httpOnly cookie. The user comes from
 * the challenge, never from the request. 5 attempts per challenge, 10 per user per 15 minutes.
 */
export async function verifyChallengeSecondFactor(token: string | undefined, proof: Proof, meta: RequestMeta) {
  const challenge = await openVerifyChallenge(token);
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
        "Too many wrong attempts for this sign-in. Please sign in again with your password.",
      );
    }
    if (error instanceof AppError && error.code === ErrorCode.invalidCode) {
      const left = CHALLENGE_MAX_ATTEMPTS - reserved.attempts;
      throw new AppError(ErrorCode.invalidCode, `${error.message} ${left} attempt${left === 1 ? "" : "s"} left.`);
    }
    throw error;
  }
}

/**
 * For a factor whose ceremony starts on the server (a security key): what the browser needs to make a
 * proof for this sign-in, bound to the challenge the cookie names (single use, expiring with it).
 */
export async function challengeFactorOptions(token: string | undefined, kind: FactorKind): Promise<unknown> {
  const challenge = await openVerifyChallenge(token);
  const options = factorFor<FactorKind>(kind).options;
  if (!options) throw new AppError(ErrorCode.invalidInput);
  return options(challenge.userId, { challengeId: challenge.id });
}

/**
 * What this sign-in's second step offers (a security key first), for the user the cookie's challenge names.
 */
export async function challengeFactorKinds(token: string | undefined): Promise<FactorKind[]> {
  const challenge = await openVerifyChallenge(token);
  return factorKindsToOffer(challenge.userId);
}

async function openVerifyChallenge(token: string | undefined) {
  const challenge = await findChallenge(token);
  if (!challenge || challenge.requirement !== "verify" || challenge.satisfiedAt) {
    throw new AppError(ErrorCode.challengeExpired);
  }
  return challenge;
}
