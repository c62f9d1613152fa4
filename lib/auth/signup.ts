import "server-only";
import { audit, AuditType } from "@/lib/audit";
import { rateLimitAddress } from "@/lib/client-address";
import { hashPassword, verifyPassword } from "@/lib/crypto/password";
import { randomToken, sha256 } from "@/lib/crypto/tokens";
import { db } from "@/lib/db";
import { isUniqueViolation } from "@/lib/db/errors";
import { AppError, ErrorCode } from "@/lib/errors";
import { messages } from "@/lib/mail/messages";
import { sendMail } from "@/lib/mail/send";
import { limits, rateLimitedError, reserveAttempt } from "@/lib/rate-limit";
import type { RequestMeta } from "@/lib/request-meta";
import type { ProvedUser } from "./sign-in/open";
import { insertUserWithAccount } from "./users";

export const SIGNUP_TTL_MS = 24 * 3_600_000;
/** Wrong passwords a link survives; the last one deletes it. */
export const SIGNUP_CONFIRM_ATTEMPTS = 5;
/** Sign-up emails (a link or a warning) one address receives: a flood guard, silent either way. */
const MAILS_PER_EMAIL = { limit: 5, windowMs: 60 * 60_000 };

/**
 * Before the response, the only check that may refuse a sign-up: the per-IP limit, which says
 * nothing about the address. Everything else happens after the response (`requestSignup`).
 */
export async function reserveSignup(meta: RequestMeta): Promise<void> {
  const { limit, windowMs } = limits.signupPerIp;
  const attempt = await reserveAttempt(`signup:ip:${rateLimitAddress(meta.ip)}`, limit, windowMs);
  if (!attempt.allowed) throw rateLimitedError("Too many sign-ups from your network.", attempt);
}

/**
 * A new address gets a single-use link (valid 24 hours) and a pending row; no user or account
 * exists until the link is followed. A taken address's owner is told someone tried, and nothing of
 * theirs changes. Both paths hash the password and send one email, so the work looks alike too.
 */
export async function requestSignup(
  input: { name: string; email: string; password: string },
  meta: RequestMeta,
): Promise<void> {
  const passwordHash = await hashPassword(input.password);
  if (!(await reserveAttempt(`signup:email:${input.email}`, MAILS_PER_EMAIL.limit, MAILS_PER_EMAIL.windowMs)).allowed)
    return;
  const prisma = await db();
  const owner = await prisma.user.findUnique({ where: { email: input.email }, select: { id: true } });
  if (owner) {
    await audit({ type: AuditType.signUpExistingEmail, subjectId: owner.id, meta });
    await sendMail(messages.signupExistingAccount(input.email, meta.origin));
    return;
  }
  const token = randomToken();
  await prisma.pendingSignup.deleteMany({ where: { expiresAt: { lt: new Date() } } }); // housekeeping, no cron needed
  await prisma.pendingSignup.create({
    data: {
      name: input.name,
      email: input.email,
      passwordHash,
      tokenHash: sha256(token),
      expiresAt: new Date(Date.now() + SIGNUP_TTL_MS),
    },
  });
  await sendMail(messages.signupVerification(input.email, token, meta.origin));
}

/** The address behind a sign-up link that can still be used (for the page to show the form). */
export async function findPendingSignup(token: string): Promise<{ email: string } | null> {
  const prisma = await db();
  const row = await prisma.pendingSignup.findUnique({
    where: { tokenHash: sha256(token) },
    select: { email: true, expiresAt: true },
  });
  return row && row.expiresAt > new Date() ? { email: row.email } : null;
}

/**
 * Finishes a sign-up: the link AND the password chosen with it, so someone who signs up with
 * another person's address cannot get them to confirm an account whose password the intruder
 * knows. The link is spent by a conditional delete, so parallel uses create one user; an address
 * that got an account meanwhile is refused. Returns the new user, as its password was proved.
 */
export async function confirmSignup(token: string, password: string, meta: RequestMeta): Promise<ProvedUser> {
  const prisma = await db();
  const row = await prisma.pendingSignup.findUnique({ where: { tokenHash: sha256(token) } });
  if (!row || row.expiresAt <= new Date()) throw new AppError(ErrorCode.invalidLink);
  const attempt = await reserveAttempt(`signup:confirm:${row.id}`, SIGNUP_CONFIRM_ATTEMPTS, SIGNUP_TTL_MS);
  if (!attempt.allowed) throw new AppError(ErrorCode.invalidLink);
  if (!(await verifyPassword(row.passwordHash, password))) {
    if (attempt.count < SIGNUP_CONFIRM_ATTEMPTS) {
      throw new AppError(ErrorCode.wrongPassword, "That is not the password you chose when you signed up.");
    }
    await prisma.pendingSignup.deleteMany({ where: { id: row.id } });
    throw new AppError(
      ErrorCode.invalidLink,
      "Too many wrong passwords: this link no longer works. Please sign up again.",
    );
  }
  let user: ProvedUser;
  try {
    user = await prisma.$transaction(async (tx) => {
      const { count } = await tx.pendingSignup.deleteMany({ where: { id: row.id, expiresAt: { gt: new Date() } } });
      if (count !== 1) throw new AppError(ErrorCode.invalidLink);
      const { id, sessionVersion } = await insertUserWithAccount(tx, {
        name: row.name,
        email: row.email,
        passwordHash: row.passwordHash,
      });
      await tx.pendingSignup.deleteMany({ where: { email: row.email } }); // other sign-ups of this address can never finish
      return { id, sessionVersion };
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    // The address got an account since this sign-up (an invitation, another link): it can never finish.
    await prisma.pendingSignup.deleteMany({ where: { email: row.email } });
    throw new AppError(ErrorCode.emailTaken);
  }
  await audit({ type: AuditType.signUp, actorId: user.id, meta });
  return user;
}
