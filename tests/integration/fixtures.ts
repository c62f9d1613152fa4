import { randomUUID } from "node:crypto";
import { openSession } from "@/lib/auth/session-record";
import { createUserWithAccount } from "@/lib/auth/users";
import { randomToken, sha256 } from "@/lib/crypto/tokens";
import { db } from "@/lib/db";
import { expandBroadcasts } from "@/lib/mail/broadcast";
import type { RequestMeta } from "@/lib/request-meta";
import { beginEnrolment, confirmEnrolment } from "@/lib/two-factor/factors/totp-enrolment";
import type { Setup } from "@/lib/two-factor/setup";
import { totpCode } from "@/lib/two-factor/totp";
import { codesAround } from "../support/totp-window";

export const meta: RequestMeta = { ip: "203.0.113.7", userAgent: "vitest", origin: "http://localhost:3000" };
export const PASSWORD = "correct horse battery staple";

export async function makeUser(name = "Ada") {
  const email = `${name.toLowerCase()}-${randomUUID().slice(0, 8)}@example.com`;
  return createUserWithAccount({ name, email, password: PASSWORD });
}

/** What a signed-in user's setup of a factor is opened under: their session version now, no proof (lib/two-factor/setup.ts). */
export async function setupNow(userId: string): Promise<Setup> {
  return { version: await versionNow(userId), confirmedWith: null };
}

/** A session of the user's at their version now, as changePassword is asked from (its id names its limits). */
export async function sessionNow(userId: string): Promise<{ id: string; version: number }> {
  return { id: `session of ${userId}`, version: await versionNow(userId) };
}

/** The user's session version now: what a setup is finished under by a session that began before it. */
export async function versionNow(userId: string): Promise<number> {
  const prisma = await db();
  return (await prisma.user.findUniqueOrThrow({ where: { id: userId }, select: { sessionVersion: true } }))
    .sessionVersion;
}

/**
 * An existing user accepting an invitation (lib/accounts/invitations.ts) signed in just now, at their
 * session version now: the way that works with or without a second factor (the password alone only
 * without).
 */
export async function asExisting(user: { id: string }) {
  const sessionVersion = await versionNow(user.id);
  const { id } = await openTestSession({ id: user.id, sessionVersion });
  return { kind: "session" as const, user: { id: user.id, sessionVersion }, session: { id, generation: 0 } };
}

/** The codes tests send as wrong ones. */
const WRONG_CODES = ["000000", "123456", "111111"];

/** Whether one of WRONG_CODES is a real code of `secret` in the minutes the test runs. */
async function takesAWrongCode(secret: string): Promise<boolean> {
  const real = await codesAround(secret);
  return WRONG_CODES.some((code) => real.has(code));
}

/** A user with 2FA on; `nextCode()` gives a code the server has not seen yet (the next time step). */
export async function makeUserWithTwoFactor(name = "Grace") {
  const user = await makeUser(name);
  let { secret } = await beginEnrolment(user, await setupNow(user.id));
  while (await takesAWrongCode(secret)) ({ secret } = await beginEnrolment(user, await setupNow(user.id)));
  const { recoveryCodes } = await confirmEnrolment(user.id, await totpCode(secret), meta, await versionNow(user.id));
  if (!recoveryCodes) throw new Error("the first factor comes with recovery codes");
  let offset = 0;
  return {
    user,
    secret,
    recoveryCodes,
    nextCode: () => totpCode(secret, Date.now() + ++offset * 30_000),
    /** The next code as a proof, for a change confirmed with the user's second factor. */
    proof: async () => ({ method: "totp" as const, code: await totpCode(secret, Date.now() + ++offset * 30_000) }),
  };
}

export async function auditTypes(subjectId: string) {
  const prisma = await db();
  const events = await prisma.auditEvent.findMany({ where: { subjectId }, orderBy: { createdAt: "asc" } });
  return events.map((e) => e.type);
}

export async function mailsTo(to: string) {
  const prisma = await db();
  await expandBroadcasts(); // as the mail poller does before delivering
  return prisma.emailMessage.findMany({ where: { to }, orderBy: { createdAt: "asc" } });
}

/** The account a user owns (the one made with them). */
export async function ownAccount(userId: string): Promise<string> {
  const prisma = await db();
  return (await prisma.membership.findFirstOrThrow({ where: { userId, role: "owner" } })).accountId;
}

/**
 * A session record as a finished sign-in opens it: behind a spent challenge of the user's, which it
 * share-locks (lib/auth/session-record.ts openSession), without driving the sign-in's steps.
 */
export async function openTestSession(user: { id: string; sessionVersion: number }, at: RequestMeta = meta) {
  const token = randomToken();
  const prisma = await db();
  const now = new Date();
  await prisma.loginChallenge.create({
    data: {
      tokenHash: sha256(token),
      userId: user.id,
      userVersion: user.sessionVersion,
      requirement: "none",
      satisfiedAt: now,
      usedAt: now,
      expiresAt: new Date(now.getTime() + 60_000),
    },
  });
  const session = await openSession(user, at, token);
  if (!session) throw new Error(`no session opened for ${user.id}`);
  return session;
}
