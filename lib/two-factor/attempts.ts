import "server-only";
import { audit, AuditType } from "@/lib/audit";
import { AppError, ErrorCode } from "@/lib/errors";
import { limits, releaseAttempt, reserveAttempt, type Attempt } from "@/lib/rate-limit";
import type { RequestMeta } from "@/lib/request-meta";
import { factorFor, type ProofContext, type ProofResult } from "./factors";
import type { FactorKind, Proof } from "./proof";

type Success = Extract<ProofResult, { ok: true }>;

/** The per-user limit's key: wrong second factors of one user, across sign-ins and prompts. */
export const SECOND_FACTOR_KEY_PREFIX = "2fa:user:";
export const secondFactorKey = (userId: string) => `${SECOND_FACTOR_KEY_PREFIX}${userId}`;

/** Malformed input is refused before any attempt is counted or any comparison is made. */
export function assertWellFormed(proof: Proof): void {
  const problem = factorFor<FactorKind>(proof.method).malformed(proof);
  if (problem) throw new AppError(ErrorCode.invalidCode, problem);
}

/**
 * Checks a second factor under the per-user limit (10 wrong ones in 15 minutes across sign-ins and
 * prompts). The attempt is reserved before the check, atomically; a success takes back its own.
 */
export async function verifySecondFactor(
  userId: string,
  proof: Proof,
  meta?: RequestMeta,
  context: Omit<ProofContext, "meta"> = {},
): Promise<Success> {
  assertWellFormed(proof);
  const factor = factorFor<FactorKind>(proof.method);
  const key = secondFactorKey(userId);
  const { limit, windowMs } = limits.secondFactorPerUser;
  const attempt = await reserveAttempt(key, limit, windowMs);
  if (!attempt.allowed) throw lockedError(attempt.resetAt);
  const result = await factor.verify(userId, proof, { ...context, meta });
  if (result.ok) {
    await releaseAttempt(attempt);
    await factor.afterUse?.(userId, result, meta);
    return result;
  }
  return refuseProof(userId, proof.method, result.reason, attempt, meta);
}

/**
 * A wrong (or replayed) proof whose attempt was reserved: audited with the failures in the window, and
 * the one that reaches the limit starts the lockout, so that is recorded exactly once. Always throws.
 */
export async function refuseProof(
  userId: string,
  method: FactorKind,
  reason: "invalid" | "replay",
  attempt: Attempt,
  meta?: RequestMeta,
): Promise<never> {
  const replay = reason === "replay";
  await audit({
    type: replay ? AuditType.twoFactorReplay : AuditType.twoFactorFailed,
    subjectId: userId,
    meta,
    details: { method, failuresInWindow: attempt.count },
  });
  if (attempt.count === limits.secondFactorPerUser.limit) {
    await audit({
      type: AuditType.twoFactorLockout,
      subjectId: userId,
      meta,
      details: { until: attempt.resetAt.toISOString() },
    });
    throw lockedError(attempt.resetAt);
  }
  throw new AppError(replay ? ErrorCode.codeAlreadyUsed : ErrorCode.invalidCode, factorFor(method).refused?.[reason]);
}

export function lockedError(until: Date): AppError {
  return new AppError(
    ErrorCode.secondFactorLocked,
    `Too many wrong codes. Two-factor sign-in is locked until ${until.toUTCString()}.`,
    { until: until.toISOString() },
  );
}
