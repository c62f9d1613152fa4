import "server-only";
import { audit, AuditType } from "@/lib/audit";
import { requireRecentPassword } from "@/lib/auth/recent-password";
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
import type { Setup } from "../setup";
import { matchTotpStep, newTotpSecret, totpUri } from "../totp";

export const ENROLMENT_TTL_MS = 10 * 60_000;
/** Codes tried against one pending secret; then the setup is over and starts again with a new one. */
export const ENROLMENT_MAX_ATTEMPTS = 5;

/**
 * One app per user: a second enrolment is refused (before a proof is spent on it, ../add-factor.ts).
 * Returns the user's session version.
 */
export async function assertAppNotSetUp(userId: string): Promise<number> {
  const prisma = await db();
  const current = await prisma.user.findUniqueOrThrow({
    where: { id: userId },
    select: { totpEnabledAt: true, sessionVersion: true },
  });
  if (current.totpEnabledAt) throw new AppError(ErrorCode.alreadyEnabled);
  return current.sessionVersion;
}

/**
 * Starts enrolment: a fresh secret kept server-side (encrypted, bound to the user, 10 minutes).
 * This is the only time the secret goes to the browser: to draw the QR code and the Secret Key.
 * `setup`: what it is opened under (../setup.ts): the session version the caller checked, so a
 * change that ends sessions meanwhile (a password change, another factor) makes it unfinishable.
 */
export async function beginEnrolment(user: { id: string; email: string }, setup: Setup) {
  await assertAppNotSetUp(user.id);
  const { version, confirmedWith } = setup;
  const secret = newTotpSecret();
  const expiresAt = new Date(Date.now() + ENROLMENT_TTL_MS);
  const sealed = sealTotpSecret(user.id, secret, "enrol");
  const opened = { secret: sealed, expiresAt, confirmedWith, userVersion: version, attempts: 0 };
  const prisma = await db();
  await prisma.totpEnrolment.upsert({
    where: { userId: user.id },
    create: { userId: user.id, ...opened },
    update: { ...opened, createdAt: new Date() },
  });
  return { secret, uri: totpUri(env().appName, user.email, secret), expiresAt };
}

/**
 * Turns 2FA on once a valid code for the pending secret arrives. The code's time step becomes the
 * last accepted one, so it cannot be replayed at sign-in. Ends other sessions and open sign-ins.
 *
 * `expectedVersion`: the session version the caller was authorised under (a sign-in's challenge, a
 * session), which must be the one the secret was opened under (../setup.ts). 2FA is then turned on
 * only if the user's version is still that one, in the same conditional update: a password change or
 * another factor that landed meanwhile wins, and this enrolment changes nothing.
 * `finishingSession`: the signed-in session finishing it (none at sign-in, where the challenge stands
 * for the password).
 */
export async function confirmEnrolment(
  userId: string,
  code: string,
  meta: RequestMeta,
  expectedVersion: number,
  finishingSession?: { id: string; generation: number },
) {
  assertWellFormed({ method: "totp", code });
  const prisma = await db();
  if (finishingSession) {
    // As for a key: the session finishing it had the password lately when the setup was opened (so
    // the owner's own setup can be finished however long the scan took, and an older copy of their
    // cookie cannot finish it), checked before a try is counted against the owner's setup.
    const opened = await prisma.totpEnrolment.findUnique({ where: { userId }, select: { createdAt: true } });
    if (opened) await requireRecentPassword(finishingSession, opened.createdAt);
  }
  // Each code tried claims one of the secret's attempts first, in one statement (parallel guesses
  // too): a million codes, 3 right at any moment, must not be tried against it at leisure.
  const [pending] = await prisma.$queryRaw<
    { secret: string; expiresAt: Date; userVersion: number | null; confirmedWith: string | null }[]
  >`
    UPDATE "TotpEnrolment" SET "attempts" = "attempts" + 1
    WHERE "userId" = ${userId} AND "attempts" < ${ENROLMENT_MAX_ATTEMPTS}::int
    RETURNING "secret", "expiresAt", "userVersion", "confirmedWith"`;
  if (!pending && (await prisma.totpEnrolment.count({ where: { userId } })))
    throw new AppError(ErrorCode.enrolmentExpired, "Too many wrong codes. Close the dialog and start again.");
  const version = pending?.userVersion ?? null; // null: opened before setups carried a version
  if (!pending || version === null || pending.expiresAt <= new Date() || expectedVersion !== version)
    throw new AppError(ErrorCode.enrolmentExpired);
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
      where: { id: userId, totpEnabledAt: null, sessionVersion: version },
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
    await tx.totpEnrolment.deleteMany({ where: { userId } }); // the purge may have taken it, expired, meanwhile
    const codes = first ? await replaceRecoveryCodes(tx, userId) : null;
    const user = await tx.user.findUniqueOrThrow({
      where: { id: userId },
      select: { email: true, sessionVersion: true },
    });
    return { codes, user };
  });
  // Next to another factor the app is an addition, confirmed with one of them (../add-factor.ts).
  const method = pending.confirmedWith;
  await audit(
    result.codes
      ? { type: AuditType.twoFactorEnabled, actorId: userId, meta }
      : { type: AuditType.authenticatorAdded, actorId: userId, meta, details: method ? { method } : undefined },
  );
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
