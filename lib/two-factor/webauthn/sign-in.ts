import "server-only";
import { audit, AuditType } from "@/lib/audit";
import { CHALLENGE_MAX_ATTEMPTS, findChallenge, reserveChallengeAttempt, satisfyChallenge } from "@/lib/auth/challenge";
import { AppError, ErrorCode } from "@/lib/errors";
import type { RequestMeta } from "@/lib/request-meta";
import { malformedWebAuthnProof, webAuthnAuthenticationOptions } from "./assertion";
import { verifyWebAuthnUnderLimits } from "./limits";
import type { WebAuthnProof } from "./schema";

// Interim: the second step of /login with a security key, as lib/auth/login.ts
// `verifyChallengeSecondFactor` does it for codes (same challenge, same 5 attempts, same messages).
// Once WebAuthn is in the factor registry, that function takes a WebAuthn proof and this file goes.

async function openChallenge(token: string | undefined) {
  const challenge = await findChallenge(token);
  if (!challenge || challenge.requirement !== "verify" || challenge.satisfiedAt) {
    throw new AppError(ErrorCode.challengeExpired);
  }
  return challenge;
}

/** Step 2 options: the user's keys, for a ceremony bound to the login challenge the cookie names. */
export async function webAuthnSignInOptions(token: string | undefined) {
  const challenge = await openChallenge(token);
  return webAuthnAuthenticationOptions(challenge.userId, { challengeId: challenge.id });
}

/**
 * Step 2 with a security key. The user comes from the challenge, never the request; the assertion
 * must answer this challenge's ceremony. 5 attempts per challenge, 10 per user per 15 minutes, shared
 * with codes.
 */
export async function verifyChallengeWebAuthn(token: string | undefined, proof: WebAuthnProof, meta: RequestMeta) {
  const challenge = await openChallenge(token);
  const malformed = malformedWebAuthnProof(proof);
  if (malformed) throw new AppError(ErrorCode.invalidCode, malformed);
  const reserved = await reserveChallengeAttempt(challenge.id);
  if (!reserved.ok) throw new AppError(ErrorCode.challengeExpired);
  try {
    const result = await verifyWebAuthnUnderLimits(challenge.userId, proof, meta, { challengeId: challenge.id });
    await satisfyChallenge(challenge.id);
    return { user: challenge.user, result };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    if (reserved.attempts === CHALLENGE_MAX_ATTEMPTS && error.code !== ErrorCode.secondFactorLocked) {
      await audit({ type: AuditType.challengeExhausted, subjectId: challenge.userId, meta });
      throw new AppError(
        ErrorCode.challengeExpired,
        "Too many wrong attempts for this sign-in. Please sign in again with your password.",
      );
    }
    if (error.code === ErrorCode.invalidCode || error.code === ErrorCode.codeAlreadyUsed) {
      const left = CHALLENGE_MAX_ATTEMPTS - reserved.attempts;
      throw new AppError(error.code, `${error.message} ${left} attempt${left === 1 ? "" : "s"} left.`);
    }
    throw error;
  }
}
