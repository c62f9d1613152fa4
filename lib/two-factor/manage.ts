import "server-only";
import { audit, AuditType } from "@/lib/audit";
import { db } from "@/lib/db";
import { AppError, ErrorCode } from "@/lib/errors";
import { messages } from "@/lib/mail/messages";
import { sendMail } from "@/lib/mail/send";
import type { RequestMeta } from "@/lib/request-meta";
import { verifySecondFactor } from "./attempts";
import { twoFactorPolicy } from "./policy";
import type { Proof } from "./proof";
import { removeAllFactors, replaceRecoveryCodes } from "./store";

/**
 * Turns 2FA off after a fresh second factor (a current code or a recovery code). Refused while an
 * account of the user enforces 2FA. Ends every other session; returns the new session version.
 */
export async function disableTwoFactor(userId: string, proof: Proof, meta: RequestMeta): Promise<number> {
  const policy = await twoFactorPolicy(userId);
  if (!policy.hasSecondFactor) throw new AppError(ErrorCode.notEnabled);
  if (policy.enforcedBy.length) throw new AppError(ErrorCode.enforcedByAccount);
  await verifySecondFactor(userId, proof, meta);
  const prisma = await db();
  const user = await prisma.$transaction((tx) => removeAllFactors(tx, userId));
  await audit({ type: AuditType.twoFactorDisabled, actorId: userId, meta, details: { method: proof.method } });
  await sendMail(messages.twoFactorDisabled(user.email, meta.origin));
  return user.sessionVersion;
}

/** A new set of recovery codes after a current authenticator code; the old set stops working. */
export async function regenerateRecoveryCodes(userId: string, code: string, meta: RequestMeta) {
  const policy = await twoFactorPolicy(userId);
  if (!policy.hasSecondFactor) throw new AppError(ErrorCode.notEnabled);
  await verifySecondFactor(userId, { method: "totp", code }, meta);
  const prisma = await db();
  const result = await prisma.$transaction(async (tx) => {
    const codes = await replaceRecoveryCodes(tx, userId);
    const user = await tx.user.update({
      where: { id: userId },
      data: { sessionVersion: { increment: 1 } },
      select: { email: true, sessionVersion: true },
    });
    return { codes, user };
  });
  await audit({
    type: AuditType.recoveryCodesGenerated,
    actorId: userId,
    meta,
    details: { count: result.codes.length },
  });
  await sendMail(messages.recoveryCodesRegenerated(result.user.email, meta.origin));
  return { recoveryCodes: result.codes, sessionVersion: result.user.sessionVersion };
}
