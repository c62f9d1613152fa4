import "server-only";
import { audit, AuditType } from "@/lib/audit";
import { AppError, ErrorCode } from "@/lib/errors";
import { limits, releaseAttempt, reserveAttempt } from "@/lib/rate-limit";
import type { RequestMeta } from "@/lib/request-meta";
import { malformedWebAuthnProof, verifyWebAuthnAssertion, type AssertionContext } from "./assertion";
import type { WebAuthnProof } from "./schema";

// Interim: this is lib/two-factor/attempts.ts `verifySecondFactor` for a security key, on the same
// per-user key and limit, so wrong keys and wrong codes count together. Once the factor registry
// (branch `factors`) lists WebAuthn, verifySecondFactor does this and this file goes.

/** A security key under the per-user limit shared with TOTP and recovery codes (10 wrong per 15 minutes). */
export async function verifyWebAuthnUnderLimits(
  userId: string,
  proof: WebAuthnProof,
  meta?: RequestMeta,
  context: Omit<AssertionContext, "meta"> = {},
): Promise<{ ok: true; method: "webauthn" }> {
  const malformed = malformedWebAuthnProof(proof);
  if (malformed) throw new AppError(ErrorCode.invalidCode, malformed);
  const { limit, windowMs } = limits.secondFactorPerUser;
  const attempt = await reserveAttempt(`2fa:user:${userId}`, limit, windowMs);
  if (!attempt.allowed) throw lockedError(attempt.resetAt);
  const result = await verifyWebAuthnAssertion(userId, proof, { ...context, meta });
  if (result.ok) {
    await releaseAttempt(attempt);
    return result;
  }
  const replay = result.reason === "replay";
  await audit({
    type: replay ? AuditType.twoFactorReplay : AuditType.twoFactorFailed,
    subjectId: userId,
    meta,
    details: { method: "webauthn", failuresInWindow: attempt.count },
  });
  if (attempt.count === limit) {
    await audit({
      type: AuditType.twoFactorLockout,
      subjectId: userId,
      meta,
      details: { until: attempt.resetAt.toISOString() },
    });
    throw lockedError(attempt.resetAt);
  }
  throw replay
    ? new AppError(
        ErrorCode.codeAlreadyUsed,
        "That security key request was already used or has expired. Please try again.",
      )
    : new AppError(ErrorCode.invalidCode, "That security key was not accepted.");
}

function lockedError(until: Date): AppError {
  return new AppError(
    ErrorCode.secondFactorLocked,
    `Too many wrong codes. Two-factor sign-in is locked until ${until.toUTCString()}.`,
    { until: until.toISOString() },
  );
}
