import "server-only";
import { createHash } from "node:crypto";
import { audit, AuditType } from "@/lib/audit";
import { db } from "@/lib/db";
import { AppError, ErrorCode } from "@/lib/errors";
import type { RequestMeta } from "@/lib/request-meta";
import { spendLiveResetLinks } from "./password";
import { requireRecentPassword } from "./recent-password";
import { describeBrowser } from "./user-agent";

/** One row of the profile's Sessions card. Nothing in it lets anyone act as the session. */
export type SessionSummary = {
  /** Names the session to "Sign out" (a hash of the record's id, so the id never reaches a page). */
  handle: string;
  browser: string;
  ip: string | null;
  signedInAt: Date;
  lastActiveAt: Date;
  current: boolean;
};

/** This browser's session: its record and the user's session version it lives under. */
type Current = { id: string; version: number; generation: number };

/** The record's id stays on the server; pages and actions see this one-way name for it. */
export const sessionHandle = (id: string) => createHash("sha256").update(`session:${id}`).digest("base64url");

/**
 * The user's own sessions that a request would still accept: not signed out, inside their absolute
 * lifetime and under the user's current session version (a password change or 2FA reset ended the
 * others, even though their rows remain). The current one first, then the most recently active.
 */
export async function listSessions(userId: string, currentId: string, now = new Date()): Promise<SessionSummary[]> {
  const prisma = await db();
  const user = await prisma.user.findUnique({
    where: { id: userId },
    select: {
      sessionVersion: true,
      sessions: {
        where: { revokedAt: null, expiresAt: { gt: now } },
        select: { id: true, userVersion: true, userAgent: true, ip: true, createdAt: true, lastSeenAt: true },
        orderBy: { lastSeenAt: "desc" },
      },
    },
  });
  return (user?.sessions ?? [])
    .filter((s) => s.userVersion === user!.sessionVersion)
    .map((s) => ({
      handle: sessionHandle(s.id),
      browser: describeBrowser(s.userAgent),
      ip: s.ip,
      signedInAt: s.createdAt,
      lastActiveAt: s.lastSeenAt,
      current: s.id === currentId,
    }))
    .sort((a, b) => Number(b.current) - Number(a.current));
}

/**
 * Signs out one other session of this user. The handle is looked up among the user's own records
 * only, so a handle (or record id) of someone else's session matches nothing and changes nothing.
 * The current session is not "another session": Sign out in the menu is the way to end it.
 *
 * Both this and revokeOtherSessions need the password lately in this session (requireRecentPassword):
 * from a stolen, stale cookie a thief would otherwise end, in a loop, every session, sign-in and reset
 * link with which the owner tries to end theirs (review 47).
 */
export async function revokeOwnSession(
  user: { id: string },
  current: Current,
  handle: string,
  meta: RequestMeta,
): Promise<void> {
  await requireRecentPassword(current);
  const prisma = await db();
  const own = await prisma.session.findMany({
    where: { userId: user.id, id: { not: current.id }, ...live(current) },
    select: { id: true, userAgent: true, ip: true },
  });
  const target = own.find((s) => sessionHandle(s.id) === handle);
  // Conditional on the owner and on still being live, so a race with its own sign-out counts once.
  const { count } = target
    ? await prisma.session.updateMany({
        where: { id: target.id, userId: user.id, revokedAt: null },
        data: { revokedAt: new Date() },
      })
    : { count: 0 };
  if (count !== 1) throw new AppError(ErrorCode.sessionNotFound);
  await audit({
    type: AuditType.sessionRevoked,
    actorId: user.id,
    meta,
    details: { browser: describeBrowser(target!.userAgent), ip: target!.ip },
  });
}

/**
 * "Sign out other sessions": every live session of this user but the current one ends, and so does
 * every open password-reset link (whoever saw one could set the password and sign in again) and every
 * sign-in between its password and its session (one that passed its second factor would otherwise
 * still be exchanged for a session, for the 5 minutes a challenge lasts). The user's remembered
 * devices stay: they have their own card, and still ask for the password.
 */
export async function revokeOtherSessions(user: { id: string }, current: Current, meta: RequestMeta) {
  await requireRecentPassword(current);
  const prisma = await db();
  const now = new Date();
  // The sign-ins in progress go first, spent or not: an exchange that already spent its challenge opens
  // its session only while the challenge is there (openSession), so it either finished before this
  // (its session is ended by the next statement, which sees it) or gives none.
  const [, { count }, links] = await prisma.$transaction([
    prisma.loginChallenge.deleteMany({ where: { userId: user.id } }),
    prisma.session.updateMany({
      where: { userId: user.id, id: { not: current.id }, ...live(current) },
      data: { revokedAt: now },
    }),
    spendLiveResetLinks(prisma, user.id, current.version, now),
  ]);
  const details = { count, ...(links.count ? { resetLinks: links.count } : {}) };
  await audit({ type: AuditType.sessionsRevokedOthers, actorId: user.id, meta, details });
  return { count };
}

/** What a request would still accept (records of an older version are already refused and not listed). */
const live = (current: Current) => ({ revokedAt: null, expiresAt: { gt: new Date() }, userVersion: current.version });
