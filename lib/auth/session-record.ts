import "server-only";
import { rateLimitAddress } from "@/lib/client-address";
import { randomToken, sha256 } from "@/lib/crypto/tokens";
import { db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import type { RequestMeta } from "@/lib/request-meta";
import {
  decideTwoFactorPolicy,
  policyFactsSql,
  readPolicyFacts,
  type PolicyFactsRow,
  type TwoFactorPolicy,
} from "@/lib/two-factor/policy";
import type { PublicUser } from "./users";

/**
 * Absolute lifetime of a session, counted from sign-in. Renewal (next-auth's /api/auth/session, a
 * re-issue after a password change) never moves it: a stolen cookie is worth at most this long.
 */
export const SESSION_LIFETIME_S = 12 * 60 * 60;
/** How long an address a user signed in from stays familiar to the password limits (SignInAddress). */
const FAMILIAR_ADDRESS_DAYS = 30;
/** lastSeenAt is written at most this often, so an ordinary request is one read and no write. */
const LAST_SEEN_EVERY_MS = 60_000;

export type LiveSession = {
  id: string;
  /** The session version it was issued (or re-issued) under; still the user's current one. */
  version: number;
  /** The record's generation the cookie carries (renewSessionRecord); still the record's. */
  generation: number;
  expiresAt: Date;
  user: PublicUser;
  /** The 2FA rule applied to this user now: "enrol" means enrolment is all they may do. */
  policy: TwoFactorPolicy;
};

type SessionUser = { id: string; sessionVersion: number };
export type OpenedSession = { id: string; expiresAt: Date };

/**
 * Opens the record for a sign-in that just proved everything it had to; the JWT carries its id. One
 * statement (openSessionSql), which also deletes the user's own finished records, so the table stays
 * small without a job, and keeps the address as one the user signs in from (SignInAddress).
 * Times are the database's clock (findLiveSession compares them with the app's; a small skew is harmless).
 *
 * Only while the sign-in's challenge exists: "Sign out other sessions" deletes the user's
 * challenges, spent ones too, before it ends their sessions. The share lock taken here orders the
 * two: this record is opened before the deletion (and then ended with the others) or not at all.
 * Null when it was not opened.
 */
export async function openSession(
  user: SessionUser,
  meta: RequestMeta,
  challengeToken: string,
): Promise<OpenedSession | null> {
  const prisma = await db();
  const [session] = await prisma.$queryRaw<OpenedSession[]>`
    WITH held AS (
      SELECT 1 FROM "LoginChallenge"
      WHERE "tokenHash" = ${sha256(challengeToken)} AND "userId" = ${user.id} AND "usedAt" IS NOT NULL
      FOR SHARE
    ),
    ${openSessionSql(user, meta, Prisma.sql`held`)}
    SELECT "id", "expiresAt" FROM opened`;
  return session ?? null;
}

/**
 * openSession's work as CTEs of a larger statement: `opened` is the new record ("id", "expiresAt"),
 * one for the row of `from`, which must hold the sign-in's challenge (locked, or updated by the same
 * statement) so that "Sign out other sessions" is ordered with it; no row, no record.
 */
export function openSessionSql(user: SessionUser, meta: RequestMeta, from: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`
    purged AS (DELETE FROM "Session" WHERE "userId" = ${user.id} AND "expiresAt" < now()),
    familiar AS (${familiarAddressSql(user, addressOf(meta), from)}),
    opened AS (
      INSERT INTO "Session" ("id", "userId", "userVersion", "createdAt", "lastSeenAt", "expiresAt", "ip", "userAgent")
      SELECT ${randomToken()}, ${user.id}, ${user.sessionVersion}::int, now(), now(),
        now() + make_interval(secs => ${SESSION_LIFETIME_S}::int), ${meta.ip?.slice(0, 100) ?? null}::text,
        ${meta.userAgent?.slice(0, 500) ?? null}::text
      FROM ${from}
      RETURNING "id", "expiresAt"
    )`;
}

const addressOf = (meta: RequestMeta) => (meta.ip ? rateLimitAddress(meta.ip).slice(0, 100) : null);

/**
 * Keeps an address as one the user signs in from (SignInAddress), at their password version now, for
 * each row of `from`; only while the user is still at `sessionVersion`, so a sign-in or change that
 * another change overtook keeps nothing under the new password.
 */
function familiarAddressSql(user: SessionUser, address: string | null, from: Prisma.Sql) {
  return Prisma.sql`
    INSERT INTO "SignInAddress" ("userId", "address", "passwordVersion", "expiresAt")
    SELECT ${user.id}, ${address}::text, u."passwordVersion", now() + make_interval(days => ${FAMILIAR_ADDRESS_DAYS}::int)
    FROM ${from}, "User" AS u
    WHERE ${address}::text IS NOT NULL AND u."id" = ${user.id} AND u."sessionVersion" = ${user.sessionVersion}::int
    ON CONFLICT ("userId", "address")
      DO UPDATE SET "passwordVersion" = EXCLUDED."passwordVersion", "expiresAt" = EXCLUDED."expiresAt"`;
}

/**
 * After a password change: the address the owner changed it from stays familiar under the new password
 * (the intruders' addresses, kept under the old one, do not), so a guessing run under way does not lock
 * the owner out of their own address for having changed it.
 */
export async function keepAddressFamiliar(user: SessionUser, meta: RequestMeta): Promise<void> {
  const prisma = await db();
  await prisma.$executeRaw(familiarAddressSql(user, addressOf(meta), Prisma.sql`(SELECT 1) AS one`));
}

/**
 * A record that may still be used, on "Session" s and its "User" u: not revoked, inside its absolute
 * lifetime (at the database's clock, or the app's `now` where the caller keeps one), under the user's
 * current version.
 */
const liveRecordSql = (now: Date | Prisma.Sql = Prisma.sql`now()`) => Prisma.sql`
  s."revokedAt" IS NULL AND s."expiresAt" > ${now} AND u."id" = s."userId" AND u."sessionVersion" = s."userVersion"`;

type Row = PolicyFactsRow & {
  id: string;
  userVersion: number;
  generation: number;
  expiresAt: Date;
  lastSeenAt: Date;
  userId: string;
  email: string;
  name: string;
};

/**
 * The live session behind a token's claims, with its user and what the 2FA rule says about them.
 * Runs on every request, so it is one query: the record (not revoked, inside its absolute lifetime,
 * under the user's current version), the user, and the accounts of theirs that enforce 2FA.
 */
export async function findLiveSession(
  claims: { sid: string; uid: string; sv: number; sg: number },
  now = new Date(),
): Promise<LiveSession | null> {
  const prisma = await db();
  const rows = await prisma.$queryRaw<Row[]>`
    SELECT s."id", s."userVersion", s."generation", s."expiresAt", s."lastSeenAt",
           u."id" AS "userId", u."email", u."name", ${policyFactsSql}
    FROM "Session" s JOIN "User" u ON u."id" = s."userId"
    WHERE s."id" = ${claims.sid} AND s."userId" = ${claims.uid} AND s."userVersion" = ${claims.sv}
      AND s."generation" = ${claims.sg}::int AND ${liveRecordSql(now)}`;
  const row = rows[0];
  if (!row) return null;
  if (now.getTime() - row.lastSeenAt.getTime() >= LAST_SEEN_EVERY_MS) {
    // Conditional, so parallel requests of one page write it once.
    await prisma.session.updateMany({
      where: { id: row.id, lastSeenAt: { lt: new Date(now.getTime() - LAST_SEEN_EVERY_MS) } },
      data: { lastSeenAt: now },
    });
  }
  return {
    id: row.id,
    version: Number(row.userVersion),
    generation: Number(row.generation),
    expiresAt: row.expiresAt,
    user: { id: row.userId, email: row.email, name: row.name },
    policy: decideTwoFactorPolicy(readPolicyFacts(row), now),
  };
}

/**
 * How long after a renewal the cookie one generation behind may still sign the record out: a Sign out
 * sent before the renewal's answer arrived carries it, and must not leave the renewed cookie live.
 */
export const RENEWAL_OVERLAP_S = 60;

/**
 * Sign-out: the record ends, so a copy of the cookie kept anywhere is worth nothing. Only the record
 * as the token names it, under the token's version and generation: a copy from before a password or
 * 2FA change or a renewal (the record carried over, with a new cookie) is refused everywhere, and must
 * not sign the owner's browser out either; except the generation just before a renewal, for
 * RENEWAL_OVERLAP_S, which may be this browser's own Sign out sent while the renewal was on its way (a
 * copy kept elsewhere could then end the session too, and the owner signs in again). A copy from
 * before a password or 2FA change never signs out (review 41): the owner who just changed the password
 * is not signed out by the copy they changed it against; the price is that a Sign out sent before that
 * change's answer arrived ends nothing.
 */
export async function revokeSession(claims: { sid: string; uid: string; sv: number; sg: number }): Promise<void> {
  const prisma = await db();
  await prisma.$executeRaw`
    UPDATE "Session" SET "revokedAt" = now()
    WHERE "id" = ${claims.sid} AND "userId" = ${claims.uid} AND "revokedAt" IS NULL
      AND "userVersion" = ${claims.sv}::int
      AND ("generation" = ${claims.sg}::int
        OR ("generation" = ${claims.sg}::int + 1 AND "renewedAt" > now() - make_interval(secs => ${RENEWAL_OVERLAP_S}::int)))`;
}

/**
 * Renews this browser's cookie: bumps the live record's generation (the JWT carries it, so every copy
 * of the cookie from before is refused from then on) and, when the password was just entered again,
 * notes it (reauthenticatedAt). The record and its handle stay: sign-in time, absolute expiry, version.
 * Only from the version and generation the asking cookie carries (compare-and-set): null when another
 * renewal or a carry-over to a new version came first, or when the record is not live (revoked, past
 * its expiry, an older version).
 */
export async function renewSessionRecord(
  session: { id: string; userId: string; version: number; generation: number },
  passwordEntered: boolean,
): Promise<{ id: string; expiresAt: Date; generation: number } | null> {
  const prisma = await db();
  const [renewed] = await prisma.$queryRaw<{ id: string; expiresAt: Date; generation: number }[]>`
    UPDATE "Session" AS s SET "generation" = s."generation" + 1, "renewedAt" = now(),
      "reauthenticatedAt" = CASE WHEN ${passwordEntered}::boolean THEN now() ELSE s."reauthenticatedAt" END
    FROM "User" AS u
    WHERE s."id" = ${session.id} AND s."userId" = ${session.userId} AND s."generation" = ${session.generation}::int
      AND s."userVersion" = ${session.version}::int AND ${liveRecordSql()}
    RETURNING s."id", s."expiresAt", s."generation"`;
  return renewed ? { ...renewed, generation: Number(renewed.generation) } : null;
}

/**
 * Whether the record is live and has moved on from what the asking cookie names: renewed since (a
 * later generation) or carried over to the user's new version by a change made in this browser.
 * Read after a renewal lost its compare-and-set, in a statement of its own: one whose snapshot was
 * taken before the winner committed would not see it.
 */
export async function movedOnSince(session: { id: string; version: number; generation: number }): Promise<boolean> {
  const prisma = await db();
  const rows = await prisma.$queryRaw<unknown[]>`
    SELECT 1 FROM "Session" AS s, "User" AS u
    WHERE s."id" = ${session.id} AND ${liveRecordSql()}
      AND (s."userVersion" > ${session.version}::int
        OR (s."userVersion" = ${session.version}::int AND s."generation" > ${session.generation}::int))`;
  return rows.length > 0;
}

/**
 * After a change that bumped the user's version by one (password, 2FA), moves this browser's record
 * to the new version; every other record stays behind and is refused. Compare-and-set: if another
 * change landed in between (an admin's Reset 2FA, say), the version moved by more than one and this
 * session ends like the others. Returns the record's generation, which a renewal by another request
 * of this browser may have moved meanwhile (the new cookie must name it), or null when not moved.
 */
export async function carrySessionOver(
  id: string,
  fromVersion: number,
  toVersion: number,
): Promise<{ generation: number } | null> {
  if (toVersion !== fromVersion + 1) return null;
  const prisma = await db();
  const [carried] = await prisma.$queryRaw<{ generation: number }[]>`
    UPDATE "Session" AS s SET "userVersion" = ${toVersion}::int
    FROM "User" AS u
    WHERE s."id" = ${id} AND s."userVersion" = ${fromVersion}::int AND s."revokedAt" IS NULL
      AND s."expiresAt" > now() AND u."id" = s."userId" AND u."sessionVersion" = ${toVersion}::int
    RETURNING s."generation"`;
  return carried ? { generation: Number(carried.generation) } : null;
}
