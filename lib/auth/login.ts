import "server-only";
import { audit, AuditType } from "@/lib/audit";
import { dummyPasswordHash, verifyPassword } from "@/lib/crypto/password";
import { db } from "@/lib/db";
import { AppError, ErrorCode } from "@/lib/errors";
import { rateLimitAddress } from "@/lib/client-address";
import { limits, rateLimitedError, releaseAll, reserveAttempt, type Attempt } from "@/lib/rate-limit";
import type { RequestMeta } from "@/lib/request-meta";
import { assertWellFormed, verifySecondFactor } from "@/lib/two-factor/attempts";
import { twoFactorPolicy } from "@/lib/two-factor/policy";
import type { Proof } from "@/lib/two-factor/proof";
import {
  createChallenge,
  findChallenge,
  reserveChallengeAttempt,
  satisfyChallenge,
  CHALLENGE_MAX_ATTEMPTS,
  type Requirement,
} from "./challenge";

/**
 * Email and password. Failures are counted per email and per client address (an IPv6 /64) before the
 * check, so parallel guesses can't exceed the limit; a success takes back its own reservations.
 * One generic error either way.
 */
export async function verifyCredentials(email: string, password: string, meta: RequestMeta) {
  const keys = [
    [`password:email:${email}`, limits.passwordPerEmail],
    [`password:ip:${rateLimitAddress(meta.ip)}`, limits.passwordPerIp],
  ] as const;
  const reserved: Attempt[] = [];
  for (const [key, { limit, windowMs }] of keys) {
    const attempt = await reserveAttempt(key, limit, windowMs);
    if (!attempt.allowed) {
      await releaseAll(reserved); // the password was not checked: nothing failed
      await audit({ type: AuditType.signInRateLimited, meta, details: { email } });
      throw rateLimitedError("Too many sign-in attempts.", attempt);
    }
    reserved.push(attempt);
  }
  const prisma = await db();
  const user = await prisma.user.findUnique({
    where: { email },
    select: { id: true, passwordHash: true, sessionVersion: true },
  });
  const valid = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), password);
  if (!user || !valid) {
    await audit({ type: AuditType.signInFailed, subjectId: user?.id, meta, details: { email } });
    throw new AppError(ErrorCode.invalidCredentials);
  }
  await releaseAll(reserved);
  return { id: user.id, sessionVersion: user.sessionVersion };
}

/**
 * Opens the login challenge for a user whose password was just proved (sign-in, sign-up, invitation):
 * what it asks next follows the one 2FA rule, so no way in skips the second factor or enrolment.
 */
export async function startChallenge(
  userId: string,
  meta: RequestMeta,
): Promise<{ token: string; requirement: Requirement; graceUntil: Date | null }> {
  const prisma = await db();
  const user = await prisma.user.findUniqueOrThrow({
    where: { id: userId },
    select: { id: true, sessionVersion: true },
  });
  const policy = await twoFactorPolicy(user.id);
  const token = await createChallenge(user, policy.requirement, meta.ip);
  return { token, requirement: policy.requirement, graceUntil: policy.graceUntil };
}

/** Step 1 of /login: the password, then the challenge. */
export async function checkPassword(email: string, password: string, meta: RequestMeta) {
  const user = await verifyCredentials(email, password, meta);
  return startChallenge(user.id, meta);
}

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
    const result = await verifySecondFactor(challenge.userId, proof, meta);
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
