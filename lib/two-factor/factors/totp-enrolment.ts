import "server-only";
import { audit, AuditType } from "@/lib/audit";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError, ErrorCode } from "@/lib/errors";
import { messages } from "@/lib/mail/messages";
import { sendMail } from "@/lib/mail/send";
import type { RequestMeta } from "@/lib/request-meta";
import { assertWellFormed } from "../attempts";
import { openTotpSecret, sealTotpSecret } from "../secret-store";
import { hasSecondFactor } from "../second-factor";
import { replaceRecoveryCodes } from "../store";
import { matchTotpStep, newTotpSecret, totpUri } from "../totp";

export const ENROLMENT_TTL_MS = 10 * 60_000;

/**
 * Starts enrolment: a fresh secret kept server-side (encrypted, bound to the user, 10 minutes).
 * This is the only time the secret goes to the browser: to draw the QR code and the Secret Key.
 */
export async function beginEnrolment(user: { id: string; email: string }) {
  const prisma = await db();
  const current = await prisma.user.findUniqueOrThrow({ where: { id: user.id }, select: { totpEnabledAt: true } });
  if (current.totpEnabledAt) throw new AppError(ErrorCode.alreadyEnabled);
  const secret = newTotpSecret();
  const expiresAt = new Date(Date.now() + ENROLMENT_TTL_MS);
  const sealed = sealTotpSecret(user.id, secret, "enrol");
  await prisma.totpEnrolment.upsert({
    where: { userId: user.id },
    create: { userId: user.id, secret: sealed, expiresAt },
    update: { secret: sealed, expiresAt, createdAt: new Date() },
  });
  return { secret, uri: totpUri(env().appName, user.email, secret), expiresAt };
}

/**
 * Turns 2FA on once a valid code for the pending secret arrives. The code's time step becomes the
 * last accepted one, so it cannot be replayed at sign-in. Ends other sessions and open sign-ins.
 *
 * `expectedVersion`: the session version the caller was authorised under (a sign-in's challenge, a
 * session). 2FA is then turned on only if the version is still that one, in the same conditional
 * update: a password change that landed meanwhile wins, and this enrolment changes nothing.
 */
export async function confirmEnrolment(userId: string, code: string, meta: RequestMeta, expectedVersion?: number) {
  const prisma = await db();
  const pending = await prisma.totpEnrolment.findUnique({ where: { userId } });
  if (!pending || pending.expiresAt <= new Date()) throw new AppError(ErrorCode.enrolmentExpired);
  assertWellFormed({ method: "totp", code });
  const secret = openTotpSecret(userId, pending.secret, "enrol");
  const step = await matchTotpStep(secret, code);
  if (step === null)
    throw new AppError(
      ErrorCode.invalidCode,
      "That code is not correct. Check the time on your phone and try the newest code.",
    );
  const result = await prisma.$transaction(async (tx) => {
    // Recovery codes come with the first factor and stay valid across factors: a user who already
    // has a security key keeps the set they saved.
    const first = !(await hasSecondFactor(userId, tx));
    const { count } = await tx.user.updateMany({
      where: {
        id: userId,
        totpEnabledAt: null,
        ...(expectedVersion === undefined ? {} : { sessionVersion: expectedVersion }),
      },
      data: {
        totpSecret: sealTotpSecret(userId, secret),
        totpEnabledAt: new Date(),
        totpLastStep: step,
        sessionVersion: { increment: 1 },
      },
    });
    if (count !== 1) {
      const current = await tx.user.findUniqueOrThrow({ where: { id: userId }, select: { totpEnabledAt: true } });
      // Not enabled, so the version moved on: the session or sign-in this came from has ended.
      throw new AppError(current.totpEnabledAt ? ErrorCode.alreadyEnabled : ErrorCode.notSignedIn);
    }
    await tx.totpEnrolment.delete({ where: { userId } });
    const codes = first ? await replaceRecoveryCodes(tx, userId) : null;
    const user = await tx.user.findUniqueOrThrow({
      where: { id: userId },
      select: { email: true, sessionVersion: true },
    });
    return { codes, user };
  });
  await audit({ type: AuditType.twoFactorEnabled, actorId: userId, meta });
  if (result.codes) {
    await audit({
      type: AuditType.recoveryCodesGenerated,
      actorId: userId,
      meta,
      details: { count: result.codes.length },
    });
  }
  await sendMail(messages.twoFactorEnabled(result.user.email, meta.origin));
  return { recoveryCodes: result.codes, sessionVersion: result.user.sessionVersion };
}
