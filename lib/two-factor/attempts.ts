import "server-only";
import { audit, AuditType } from "@/lib/audit";
import { db } from "@/lib/db";
import { messages } from "@/lib/mail/messages";
import { sendMail } from "@/lib/mail/send";
import { AppError, ErrorCode } from "@/lib/errors";
import { limits, releaseAttempt, reserveAttempt } from "@/lib/rate-limit";
import type { RequestMeta } from "@/lib/request-meta";
import { checkProof, type Proof, type ProofResult } from "./verify";
import { normalizeRecoveryCode } from "./recovery-codes";
import { normalizeTotpCode } from "./totp";

type Success = Extract<ProofResult, { ok: true }>;

/** Malformed input is refused before any attempt is counted or any comparison is made. */
export function assertWellFormed(proof: Proof): void {
  const valid = proof.method === "totp" ? normalizeTotpCode(proof.code) : normalizeRecoveryCode(proof.code);
  if (!valid) {
    throw new AppError(
      ErrorCode.invalidCode,
      proof.method === "totp"
        ? "Enter the 6-digit code from your authenticator app."
        : "Enter a recovery code like ABCDE-12345.",
    );
  }
}

/**
 * Checks a second factor under the per-user limit (10 wrong ones in 15 minutes across sign-ins and
 * prompts). The attempt is reserved before the check, atomically; a success takes back its own.
 */
export async function verifySecondFactor(userId: string, proof: Proof, meta?: RequestMeta): Promise<Success> {
  assertWellFormed(proof);
  const key = `2fa:user:${userId}`;
  const { limit, windowMs } = limits.secondFactorPerUser;
  const attempt = await reserveAttempt(key, limit, windowMs);
  if (!attempt.allowed) throw lockedError(attempt.resetAt);
  const result = await checkProof(userId, proof);
  if (result.ok) {
    await releaseAttempt(attempt);
    if (result.method === "recovery") await reportRecoveryCodeUse(userId, result.remaining, meta);
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
  throw new AppError(replay ? ErrorCode.codeAlreadyUsed : ErrorCode.invalidCode);
}

function lockedError(until: Date): AppError {
  return new AppError(
    ErrorCode.secondFactorLocked,
    `Too many wrong codes. Two-factor sign-in is locked until ${until.toUTCString()}.`,
    { until: until.toISOString() },
  );
}

async function reportRecoveryCodeUse(userId: string, remaining: number, meta?: RequestMeta) {
  const prisma = await db();
  const user = await prisma.user.findUniqueOrThrow({ where: { id: userId }, select: { email: true } });
  await audit({ type: AuditType.recoveryCodeUsed, subjectId: userId, meta, details: { remaining } });
  await sendMail(messages.recoveryCodeUsed(user.email, remaining, meta?.origin));
}
