import "server-only";
import { audit, AuditType } from "@/lib/audit";
import { db } from "@/lib/db";
import { AppError, ErrorCode } from "@/lib/errors";
import { messages } from "@/lib/mail/messages";
import { sendMail } from "@/lib/mail/send";
import type { RequestMeta } from "@/lib/request-meta";
import { verifySecondFactor } from "./attempts";
import { countingFactors, factorFor } from "./factors";
import { lockForFactorChange, twoFactorPolicy } from "./policy";
import type { Proof } from "./proof";
import { removeOneFactor } from "./remove-factor";
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
  const user = await prisma.$transaction(async (tx) => {
    const { enforced } = await lockForFactorChange(tx, userId);
    if (enforced) throw new AppError(ErrorCode.enforcedByAccount); // since the check above
    return removeAllFactors(tx, userId);
  });
  await audit({ type: AuditType.twoFactorDisabled, actorId: userId, meta, details: { method: proof.method } });
  await sendMail(messages.twoFactorDisabled(user.email, meta.origin));
  return user.sessionVersion;
}

/**
 * The authenticator app alone, after a fresh second factor (any the user has); security keys and the
 * recovery codes stay. Without another factor it is turning 2FA off (../remove-factor.ts): the codes go
 * too, and it is refused while an account of the user enforces 2FA.
 */
export async function removeAuthenticatorApp(userId: string, proof: Proof, meta: RequestMeta) {
  const app = factorFor("totp");
  const prisma = await db();
  const hasApp = async (client: Pick<typeof prisma, "user">) =>
    (await client.user.count({ where: { id: userId, ...app.enrolled!.where } })) === 1;
  if (!(await hasApp(prisma))) throw appNotSetUp();
  return removeOneFactor(userId, proof, meta, {
    othersRemain: { OR: countingFactors.filter((f) => f.kind !== app.kind).map((f) => f.enrolled.where) },
    remove: async (tx) => {
      if (!(await hasApp(tx))) return false; // removed meanwhile
      await app.remove(tx, userId);
      return true;
    },
    notFound: appNotSetUp,
    mail: (email, last) => messages.authenticatorRemoved(email, last, meta.origin),
    audit: { type: AuditType.authenticatorRemoved, details: {} },
  });
}

const appNotSetUp = () => new AppError(ErrorCode.notEnabled, "The authenticator app is not set up.");

/**
 * A new set of recovery codes after a fresh authenticator code or security key; the old set stops
 * working. A recovery code cannot stand in: a new set is for someone who still holds a real factor.
 */
export async function regenerateRecoveryCodes(userId: string, proof: Proof, meta: RequestMeta) {
  const policy = await twoFactorPolicy(userId);
  if (!policy.hasSecondFactor) throw new AppError(ErrorCode.notEnabled);
  if (proof.method === "recovery")
    throw new AppError(ErrorCode.invalidInput, "Confirm with your authenticator app or a security key.");
  await verifySecondFactor(userId, proof, meta);
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
