import "server-only";
import { audit, AuditType } from "@/lib/audit";
import { hashPassword, verifyPassword } from "@/lib/crypto/password";
import { randomToken, sha256 } from "@/lib/crypto/tokens";
import { db } from "@/lib/db";
import { AppError, ErrorCode } from "@/lib/errors";
import { keepAddressFamiliar } from "@/lib/auth/session-record";
import { messages } from "@/lib/mail/messages";
import { sendMail } from "@/lib/mail/send";
import { rateLimitAddress } from "@/lib/client-address";
import {
  limits,
  rateLimitedError,
  releaseAll,
  releaseAttempt,
  reserveAttempt,
  reserveEach,
  type Attempt,
} from "@/lib/rate-limit";
import type { RequestMeta } from "@/lib/request-meta";

export const RESET_TTL_MS = 30 * 60_000;
/** Reset requests one IP may make, whatever the addresses (besides the silent per-email limit). */
const RESET_REQUESTS_PER_IP = { limit: 20, windowMs: 60 * 60_000 };

/**
 * Checks the signed-in user's current password, asked for in session `sessionId`. Wrong ones are
 * limited (a stolen session must not guess it) per session and per user (lib/rate-limit `limits`), and
 * audited; the failure that reaches a limit starts a lockout, recorded once.
 */
export async function verifyCurrentPassword(userId: string, sessionId: string, password: string, meta: RequestMeta) {
  const prisma = await db();
  const user = await prisma.user.findUniqueOrThrow({
    where: { id: userId },
    select: { email: true, passwordHash: true },
  });
  const { reserved, refused } = await reserveEach([
    [`current-password:session:${sessionId}`, limits.currentPasswordPerSession],
    [`current-password:user:${userId}`, limits.currentPasswordPerUser],
  ]);
  if (refused) throw rateLimitedError("Too many wrong passwords.", refused.attempt);
  if (!(await verifyPassword(user.passwordHash, password))) {
    const [bySession] = reserved as [Attempt];
    await audit({
      type: AuditType.passwordChangeFailed,
      actorId: userId,
      meta,
      details: { failuresInWindow: bySession.count },
    });
    const reached = reserved.find((attempt) => attempt.count >= attempt.limit);
    if (!reached) throw new AppError(ErrorCode.wrongPassword);
    await audit({
      type: AuditType.passwordChangeLocked,
      actorId: userId,
      meta,
      details: { until: reached.resetAt.toISOString() },
    });
    throw rateLimitedError("Your current password is not correct, and that was the last try for now.", reached);
  }
  await releaseAll(reserved);
  return user;
}

/**
 * Changes the password (current one required) and ends every other session; returns the new version.
 * Only under the version the asking session was checked at: a reset, another change or a factor that
 * landed since (even while the password was checked) wins, and this changes nothing.
 */
export async function changePassword(
  userId: string,
  current: string,
  next: string,
  meta: RequestMeta,
  session: { id: string; version: number },
): Promise<number> {
  const user = await verifyCurrentPassword(userId, session.id, current, meta);
  const prisma = await db();
  const { count } = await prisma.user.updateMany({
    where: { id: userId, sessionVersion: session.version },
    data: {
      passwordHash: await hashPassword(next),
      sessionVersion: { increment: 1 },
      passwordVersion: { increment: 1 },
    },
  });
  if (count !== 1) throw new AppError(ErrorCode.notSignedIn);
  await keepAddressFamiliar({ id: userId, sessionVersion: session.version + 1 }, meta);
  await audit({ type: AuditType.passwordChanged, actorId: userId, meta });
  await sendMail(messages.passwordChanged(user.email, meta.origin));
  return session.version + 1;
}

/**
 * Before the response, the only check that may refuse a reset request: the per-IP limit, which
 * says nothing about the address. The lookup and the email follow after it (`requestPasswordReset`).
 */
export async function reservePasswordResetRequest(meta: RequestMeta): Promise<void> {
  const { limit, windowMs } = RESET_REQUESTS_PER_IP;
  const attempt = await reserveAttempt(`reset:ip:${rateLimitAddress(meta.ip)}`, limit, windowMs);
  if (!attempt.allowed) throw rateLimitedError("Too many reset requests from your network.", attempt);
}

/** Emails a reset link if the address has an account. Says nothing either way; run it after the response. */
export async function requestPasswordReset(email: string, meta: RequestMeta): Promise<void> {
  const attempt = await reserveAttempt(`reset:${email}`, limits.resetPerEmail.limit, limits.resetPerEmail.windowMs);
  if (!attempt.allowed) return;
  const prisma = await db();
  const user = await prisma.user.findUnique({ where: { email }, select: { id: true, sessionVersion: true } });
  if (!user) return;
  const token = randomToken();
  await prisma.passwordResetToken.create({
    data: {
      userId: user.id,
      tokenHash: sha256(token),
      userVersion: user.sessionVersion,
      expiresAt: new Date(Date.now() + RESET_TTL_MS),
    },
  });
  await audit({ type: AuditType.passwordResetRequested, subjectId: user.id, meta });
  await sendMail(messages.passwordReset(email, token, meta.origin));
}

/**
 * Whether a reset link can still be used (for the page to show the form or an error): unused, in
 * time, and sent under the user's session version now, so a password change or anything else that
 * ends the user's sessions since ends it too.
 */
export async function resetTokenIsUsable(token: string): Promise<boolean> {
  const prisma = await db();
  const row = await prisma.passwordResetToken.findUnique({
    where: { tokenHash: sha256(token) },
    select: { usedAt: true, expiresAt: true, userVersion: true, user: { select: { sessionVersion: true } } },
  });
  return !!row && !row.usedAt && row.expiresAt > new Date() && row.userVersion === row.user.sessionVersion;
}

/** A link not used yet and still in time (the session version is checked beside it). */
const unspent = (now: Date) => ({ usedAt: null, expiresAt: { gt: now } });

/**
 * Spends the user's reset links that still work (`resetTokenIsUsable`: unused, in time, sent under
 * `version`, the user's version now); the caller runs it, in its transaction. "Sign out other
 * sessions" ends them with the sessions, since whoever saw a link could sign in again with it.
 */
export const spendLiveResetLinks = (
  client: Pick<Awaited<ReturnType<typeof db>>, "passwordResetToken">,
  userId: string,
  version: number,
  now: Date,
) =>
  client.passwordResetToken.updateMany({
    where: { userId, ...unspent(now), userVersion: version },
    data: { usedAt: now },
  });

/**
 * Sets a new password from a reset link, once, and only while the user's session version is the one
 * the link was sent under (`resetTokenIsUsable`): the token is spent by a conditional update. All
 * sessions and open sign-ins end; the user then signs in and meets the second factor as usual. The
 * link is checked before any hashing, and wrong links are limited per client address.
 */
export async function resetPassword(token: string, password: string, meta: RequestMeta): Promise<void> {
  const { limit, windowMs } = limits.resetLinkPerIp;
  const attempt = await reserveAttempt(`reset-link:ip:${rateLimitAddress(meta.ip)}`, limit, windowMs);
  if (!attempt.allowed) throw rateLimitedError("Too many attempts with invalid reset links.", attempt);
  if (!(await resetTokenIsUsable(token))) throw new AppError(ErrorCode.invalidLink);
  const prisma = await db();
  const passwordHash = await hashPassword(password);
  const now = new Date();
  const userId = await prisma.$transaction(async (tx) => {
    const row = await tx.passwordResetToken.findUnique({ where: { tokenHash: sha256(token) } });
    if (!row) return null;
    const { count } = await tx.passwordResetToken.updateMany({
      where: { id: row.id, ...unspent(now) },
      data: { usedAt: now },
    });
    if (count !== 1) return null; // spent meanwhile by a parallel request
    // Only under the version the link was sent with: a change that ended sessions meanwhile wins.
    const changed = await tx.user.updateMany({
      where: { id: row.userId, sessionVersion: row.userVersion },
      data: { passwordHash, sessionVersion: { increment: 1 }, passwordVersion: { increment: 1 } },
    });
    if (changed.count !== 1) return null;
    await tx.passwordResetToken.updateMany({ where: { userId: row.userId, usedAt: null }, data: { usedAt: now } });
    return row.userId;
  });
  if (!userId) throw new AppError(ErrorCode.invalidLink);
  await releaseAttempt(attempt);
  const user = await prisma.user.findUniqueOrThrow({ where: { id: userId }, select: { email: true } });
  await audit({ type: AuditType.passwordReset, subjectId: userId, meta });
  await sendMail(messages.passwordChanged(user.email, meta.origin));
}
