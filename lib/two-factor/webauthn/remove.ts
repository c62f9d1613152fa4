import "server-only";
import { audit, AuditType } from "@/lib/audit";
import { db } from "@/lib/db";
import { AppError, ErrorCode } from "@/lib/errors";
import { messages } from "@/lib/mail/messages";
import { sendMail } from "@/lib/mail/send";
import type { RequestMeta } from "@/lib/request-meta";
import { verifySecondFactor } from "../attempts";
import { countingFactors } from "../factors";
import { twoFactorPolicy } from "../policy";
import type { Proof } from "../proof";
import { hasSecondFactor } from "../second-factor";
import { notFound } from "./credentials";

/**
 * Removes one of the user's keys after a fresh second factor (a code, a recovery code, or a key, as
 * turning 2FA off asks), under the shared per-user limit. Removing the last second factor turns 2FA
 * off (its recovery codes go too) and is refused while an account of the user enforces 2FA. Ends
 * every other session and open sign-in (a remembered device goes with them); returns the new version.
 */
export async function removeWebAuthnCredential(
  userId: string,
  keyId: string,
  proof: Proof,
  meta: RequestMeta,
): Promise<{ sessionVersion: number; twoFactorOff: boolean }> {
  const prisma = await db();
  const key = await prisma.webAuthnCredential.findFirst({ where: { id: keyId, userId }, select: { name: true } });
  if (!key) throw notFound();
  const { enforcedBy } = await twoFactorPolicy(userId);
  if (enforcedBy.length && !(await hasOtherFactor(userId, keyId))) throw new AppError(ErrorCode.enforcedByAccount);
  await verifySecondFactor(userId, proof, meta);
  const result = await prisma.$transaction(async (tx) => {
    // Under the user's row lock, so two removals at once cannot both think another factor remains.
    await tx.$queryRaw`SELECT id FROM "User" WHERE id = ${userId} FOR UPDATE`;
    const { count } = await tx.webAuthnCredential.deleteMany({ where: { id: keyId, userId } });
    if (count !== 1) throw notFound();
    const last = !(await hasSecondFactor(userId, tx));
    if (last && enforcedBy.length) throw new AppError(ErrorCode.enforcedByAccount);
    if (last) await tx.recoveryCode.deleteMany({ where: { userId } });
    const user = await tx.user.update({
      where: { id: userId },
      data: { sessionVersion: { increment: 1 } },
      select: { email: true, sessionVersion: true },
    });
    await sendMail(messages.webAuthnRemoved(user.email, key.name, last, meta.origin), tx);
    return { sessionVersion: user.sessionVersion, twoFactorOff: last };
  });
  await audit({
    type: AuditType.webAuthnRemoved,
    actorId: userId,
    meta,
    details: { name: key.name, method: proof.method },
  });
  if (result.twoFactorOff) {
    await audit({ type: AuditType.twoFactorDisabled, actorId: userId, meta, details: { method: proof.method } });
  }
  return result;
}

/** Any other counting factor (the registry's): an authenticator app or another key. */
async function hasOtherFactor(userId: string, keyId: string): Promise<boolean> {
  const others = countingFactors.map((f) =>
    f.kind === "webauthn" ? { webAuthnCredentials: { some: { id: { not: keyId } } } } : f.enrolled.where,
  );
  const prisma = await db();
  return (await prisma.user.count({ where: { id: userId, OR: others } })) === 1;
}
