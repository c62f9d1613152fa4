import "server-only";
import { audit, AuditType } from "@/lib/audit";
import { db } from "@/lib/db";
import { AppError, ErrorCode } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { Mail } from "@/lib/mail/send";
import { sendMail } from "@/lib/mail/send";
import type { RequestMeta } from "@/lib/request-meta";
import { verifySecondFactor } from "./attempts";
import { lockForFactorChange, twoFactorPolicy } from "./policy";
import type { Proof } from "./proof";
import { hasSecondFactor } from "./second-factor";

/** One factor to take away while the others stay: the authenticator app, or one security key. */
export type Removal = {
  /** The user still has a counting factor once this one is gone (checked before any attempt is spent). */
  othersRemain: Prisma.UserWhereInput;
  /** Deletes it inside the transaction; false when it was already gone (a parallel removal). */
  remove: (tx: Prisma.TransactionClient) => Promise<boolean>;
  notFound: () => AppError;
  mail: (email: string, lastFactor: boolean) => Mail;
  audit: { type: AuditType; details: Record<string, unknown> };
};

/**
 * Removes one factor after a fresh second factor (any the user has), under the shared per-user limit.
 * Removing the last one turns 2FA off (the recovery codes go too), as turning 2FA off does, and is
 * refused while an account of the user enforces 2FA. Ends every other session and open sign-in (a
 * remembered device goes with them: it is bound to the session version); returns the new version.
 */
export async function removeOneFactor(
  userId: string,
  proof: Proof,
  meta: RequestMeta,
  removal: Removal,
): Promise<{ sessionVersion: number; twoFactorOff: boolean }> {
  const prisma = await db();
  const { enforcedBy } = await twoFactorPolicy(userId);
  const othersRemain = (await prisma.user.count({ where: { id: userId, ...removal.othersRemain } })) === 1;
  if (enforcedBy.length && !othersRemain) throw new AppError(ErrorCode.enforcedByAccount);
  await verifySecondFactor(userId, proof, meta);
  const result = await prisma.$transaction(async (tx) => {
    const { enforced } = await lockForFactorChange(tx, userId);
    if (!(await removal.remove(tx))) throw removal.notFound();
    const last = !(await hasSecondFactor(userId, tx));
    if (last && enforced) throw new AppError(ErrorCode.enforcedByAccount);
    if (last) await tx.recoveryCode.deleteMany({ where: { userId } });
    const user = await tx.user.update({
      where: { id: userId },
      data: { sessionVersion: { increment: 1 } },
      select: { email: true, sessionVersion: true },
    });
    await sendMail(removal.mail(user.email, last), tx);
    return { sessionVersion: user.sessionVersion, twoFactorOff: last };
  });
  await audit({ ...removal.audit, actorId: userId, meta, details: { ...removal.audit.details, method: proof.method } });
  if (result.twoFactorOff) {
    await audit({ type: AuditType.twoFactorDisabled, actorId: userId, meta, details: { method: proof.method } });
  }
  return result;
}
