import "server-only";
import { audit, AuditType } from "@/lib/audit";
import { AppError, ErrorCode } from "@/lib/errors";
import { limits, releaseAll, reserveEach, type Attempt } from "@/lib/rate-limit";
import type { RequestMeta } from "@/lib/request-meta";
import { factorFor, type ProofContext, type ProofResult } from "./factors";
import type { FactorKind, Proof } from "./proof";

type Success = Extract<ProofResult, { ok: true }>;

/** The sign-in's per-user limit's key: wrong second factors of one user at the second step. */
export const SECOND_FACTOR_KEY_PREFIX = "2fa:user:";
export const secondFactorKey = (userId: string) => `${SECOND_FACTOR_KEY_PREFIX}${userId}`;
/** The prompts' keys: wrong second factors asked for by a signed-in session (limits.secondFactorPerSession). */
export const promptKeys = (userId: string, sessionId?: string) =>
  [
    ...(sessionId ? [[`2fa-prompt:session:${sessionId}`, limits.secondFactorPerSession] as const] : []),
    [`2fa-prompt:user:${userId}`, limits.secondFactorPromptsPerUser] as const,
  ] as const;

/** Malformed input is refused before any attempt is counted or any comparison is made. */
export function assertWellFormed(proof: Proof): void {
  const problem = factorFor<FactorKind>(proof.method).malformed(proof);
  if (problem) throw new AppError(ErrorCode.invalidCode, problem);
}

/**
 * Checks a second factor: at sign-in (`challengeId`) under the sign-in's per-user limit, in a prompt
 * under the prompts' limits, per session (meta.sessionId) and per user. The attempts are reserved
 * before the check, atomically; a success takes back its own.
 */
export async function verifySecondFactor(
  userId: string,
  proof: Proof,
  meta?: RequestMeta,
  context: Omit<ProofContext, "meta"> = {},
): Promise<Success> {
  assertWellFormed(proof);
  const factor = factorFor<FactorKind>(proof.method);
  const keys = context.challengeId
    ? [[secondFactorKey(userId), limits.secondFactorPerUser] as const]
    : promptKeys(userId, meta?.sessionId);
  const { reserved, refused } = await reserveEach(keys);
  if (refused) throw lockedError(refused.attempt.resetAt, !context.challengeId);
  const result = await factor.verify(userId, proof, { ...context, meta });
  if (result.ok) {
    await releaseAll(reserved);
    await factor.afterUse?.(userId, result, meta);
    return result;
  }
  return refuseProof(userId, proof.method, result.reason, reserved, meta, !context.challengeId);
}

/**
 * A wrong (or replayed) proof whose attempts were reserved (under the limits they were reserved for,
 * in order, the first of them the one audited): audited with the failures in the window, and the one
 * that reaches a limit starts the lockout, so that is recorded exactly once. Always throws.
 */
export async function refuseProof(
  userId: string,
  method: FactorKind,
  reason: "invalid" | "replay",
  attempts: Attempt[],
  meta?: RequestMeta,
  prompt = false,
): Promise<never> {
  const replay = reason === "replay";
  await audit({
    type: replay ? AuditType.twoFactorReplay : AuditType.twoFactorFailed,
    subjectId: userId,
    meta,
    details: { method, failuresInWindow: attempts[0]!.count },
  });
  const reached = attempts.find((attempt) => attempt.count === attempt.limit);
  if (reached) {
    await audit({
      type: AuditType.twoFactorLockout,
      subjectId: userId,
      meta,
      details: { until: reached.resetAt.toISOString() },
    });
    throw lockedError(reached.resetAt, prompt);
  }
  throw new AppError(replay ? ErrorCode.codeAlreadyUsed : ErrorCode.invalidCode, factorFor(method).refused?.[reason]);
}

/** Locked: at sign-in, two-factor sign-in is; in a prompt, only confirming with a second factor is. */
export function lockedError(until: Date, prompt = false): AppError {
  return new AppError(
    ErrorCode.secondFactorLocked,
    prompt
      ? `Too many wrong codes. Confirming with a second factor is locked until ${until.toUTCString()}.`
      : `Too many wrong codes. Two-factor sign-in is locked until ${until.toUTCString()}.`,
    { until: until.toISOString() },
  );
}
