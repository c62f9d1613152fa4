import "server-only";
import { audit, AuditType } from "@/lib/audit";
import { db } from "@/lib/db";
import { AppError, ErrorCode } from "@/lib/errors";
import { messages } from "@/lib/mail/messages";
import { sendMail } from "@/lib/mail/send";
import type { RequestMeta } from "@/lib/request-meta";
import { verifySecondFactor } from "../attempts";
import { twoFactorPolicy } from "../policy";
import type { Proof } from "../verify";
import { notFound } from "./credentials";
import { verifyWebAuthnUnderLimits } from "./limits";
import type { WebAuthnProof } from "./schema";

/**
 * Removes one of the user's keys after a fresh second factor (a code, a recovery code, or a key, as
 * turning 2FA off asks), under the shared per-user limit. Removing the last second factor turns 2FA
 * off (its recovery codes go too) and is refused while an account of the user enforces 2FA. Ends
 * every other session and open sign-in (a remembered device goes with them); returns the new version.
 */
export async function removeWebAuthnCredential(
  userId: string,
  keyId: string,
  proof: Proof | WebAuthnProof,
  meta: RequestMeta,
): Promise<{ sessionVersion: number; twoFactorOff: boolean }> {
  const prisma = await db();
  const key = await prisma.webAuthnCredential.findFirst({ where: { id: keyId, userId }, select: { name: true } });
  if (!key) throw notFound();
  const { enforcedBy } = await twoFactorPolicy(userId);
  if (enforcedBy.length && !(await hasOtherFactor(userId, keyId))) throw new AppError(ErrorCode.enforcedByAccount);
  if (proof.method === "webauthn") await verifyWebAuthnUnderLimits(userId, proof, meta);
  else await verifySecondFactor(userId, proof, meta);
  const result = await prisma.$transaction(async (tx) => {
    // Under the user's row lock, so two removals at once cannot both think another factor remains.
    await tx.$queryRaw`SELECT id FROM "User" WHERE id = ${userId} FOR UPDATE`;
    const last = !(await hasOtherFactor(userId, keyId, tx));
    if (last && enforcedBy.length) throw new AppError(ErrorCode.enforcedByAccount);
    const { count } = await tx.webAuthnCredential.deleteMany({ where: { id: keyId, userId } });
    if (count !== 1) throw notFound();
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

type Client = Pick<Awaited<ReturnType<typeof db>>, "user" | "webAuthnCredential">;

/** An authenticator app or another key (recovery codes back these up and never count alone). */
async function hasOtherFactor(userId: string, keyId: string, client?: Client): Promise<boolean> {
  const prisma = client ?? (await db());
  const user = await prisma.user.findUniqueOrThrow({ where: { id: userId }, select: { totpEnabledAt: true } });
  const others = await prisma.webAuthnCredential.count({ where: { userId, id: { not: keyId } } });
  return user.totpEnabledAt !== null || others > 0;
}
