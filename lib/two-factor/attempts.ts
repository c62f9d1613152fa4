import "server-only";
import { audit, AuditType } from "@/lib/audit";
import { AppError, ErrorCode } from "@/lib/errors";
import { limits, releaseAttempt, reserveAttempt } from "@/lib/rate-limit";
import type { RequestMeta } from "@/lib/request-meta";
import { factorFor, type ProofContext, type ProofResult } from "./factors";
import type { FactorKind, Proof } from "./proof";

type Success = Extract<ProofResult, { ok: true }>;

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
  const key = `2fa:user:${userId}`;
  const { limit, windowMs } = limits.secondFactorPerUser;
  const attempt = await reserveAttempt(key, limit, windowMs);
  if (!attempt.allowed) throw lockedError(attempt.resetAt);
  const result = await factor.verify(userId, proof, { ...context, meta });
  if (result.ok) {
    await releaseAttempt(attempt);
    await factor.afterUse?.(userId, result, meta);
    return result;
  }
  const replay = result.reason === "replay";
  await audit({
    type: replay ? AuditType.twoFactorReplay : AuditType.twoFactorFailed,
    subjectId: userId,
    meta,
    details: { method: proof.method, failuresInWindow: attempt.count },
  });
  if (attempt.count === limit) {
    // The failure that reaches the limit starts the lockout, so it is recorded exactly once.
    await audit({
      type: AuditType.twoFactorLockout,
      subjectId: userId,
      meta,
      details: { until: attempt.resetAt.toISOString() },
    });
    throw lockedError(attempt.resetAt);
  }
  throw new AppError(replay ? ErrorCode.codeAlreadyUsed : ErrorCode.invalidCode, factor.refused?.[result.reason]);
}

function lockedError(until: Date): AppError {
  return new AppError(
    ErrorCode.secondFactorLocked,
    `Too many wrong codes. Two-factor sign-in is locked until ${until.toUTCString()}.`,
    { until: until.toISOString() },
  );
}
