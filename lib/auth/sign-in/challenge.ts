import "server-only";
import { randomToken, sha256 } from "@/lib/crypto/tokens";
import { db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { twoFactorPolicy } from "@/lib/two-factor/policy";
import type { Requirement } from "@/lib/two-factor/proof";
import { deviceStillTrusted } from "../remembered-devices";

import { CHALLENGE_MAX_ATTEMPTS, CHALLENGE_TTL_MS, liveChallengeSql } from "./challenge-limits";

export { CHALLENGE_MAX_ATTEMPTS, CHALLENGE_TTL_MS };

/**
 * Stores the state between password and second factor: a random token whose hash alone is stored.
 * Sign-ins open it through `startChallenge` (./open), which decides the requirement by the 2FA rule.
 * `deviceId`: the remembered device that stands in for the second factor; the challenge opens
 * satisfied, and gives a session only while that device is still trusted.
 */
export async function createChallenge(
  user: { id: string; sessionVersion: number },
  requirement: Requirement,
  ip: string | null,
  { deviceId = null }: { deviceId?: string | null } = {},
): Promise<string> {
  const prisma = await db();
  const token = randomToken();
  // One statement, which also clears the user's own spent challenges, so the table stays small without
  // a job. Times are the database's clock, as every check of them (claim, redeem) uses.
  await prisma.$executeRaw`
    WITH purged AS (
      DELETE FROM "LoginChallenge"
      WHERE "userId" = ${user.id} AND "expiresAt" < now() - make_interval(secs => ${CHALLENGE_TTL_MS / 1000}::int)
    )
    INSERT INTO "LoginChallenge" ("id", "tokenHash", "userId", "userVersion", "requirement", "ip", "deviceId", "satisfiedAt", "expiresAt", "createdAt")
    VALUES (${randomToken()}, ${sha256(token)}, ${user.id}, ${user.sessionVersion}::int, ${requirement}, ${ip}::text,
      ${deviceId}::text, ${deviceId ? Prisma.sql`now()` : Prisma.sql`NULL`},
      now() + make_interval(secs => ${CHALLENGE_TTL_MS / 1000}::int), now())`;
  return token;
}

type ChallengeRow = {
  id: string;
  userId: string;
  userVersion: number;
  requirement: string;
  satisfiedAt: Date | null;
  attempts: number;
  expiresAt: Date;
  usedAt: Date | null;
  deviceId: string | null;
  email: string;
  name: string;
  sessionVersion: number;
};

const challengeColumns = Prisma.sql`lc."id", lc."userId", lc."userVersion", lc."requirement", lc."satisfiedAt",
  lc."attempts", lc."expiresAt", lc."usedAt", lc."deviceId", u."email", u."name", u."sessionVersion"`;

/**
 * Whether a challenge is open: unexpired, unused, under the attempt limit unless already satisfied
 * (the right code as the fifth attempt still counts), and issued under the user's current session
 * version (a password or 2FA change since then kills it).
 */
function isOpen(challenge: ChallengeRow): boolean {
  return !(
    challenge.usedAt ||
    challenge.expiresAt <= new Date() ||
    (challenge.attempts >= CHALLENGE_MAX_ATTEMPTS && !challenge.satisfiedAt) ||
    challenge.sessionVersion !== challenge.userVersion
  );
}

const withUser = (row: ChallengeRow) => ({
  ...row,
  user: { id: row.userId, email: row.email, name: row.name, sessionVersion: Number(row.sessionVersion) },
});

/** The open challenge behind a token (see isOpen), with its user; one statement. */
export async function findChallenge(token: string | undefined) {
  if (!token) return null;
  const prisma = await db();
  const [row] = await prisma.$queryRaw<ChallengeRow[]>`
    SELECT ${challengeColumns} FROM "LoginChallenge" lc JOIN "User" u ON u."id" = lc."userId"
    WHERE lc."tokenHash" = ${sha256(token)}`;
  return row && isOpen(row) ? withUser(row) : null;
}

/** Reserves one of the challenge's 5 attempts atomically; false once they are spent. */
export async function reserveChallengeAttempt(id: string): Promise<{ ok: boolean; attempts: number }> {
  const prisma = await db();
  const rows = await prisma.$queryRaw<{ attempts: number }[]>`
    UPDATE "LoginChallenge" SET "attempts" = "attempts" + 1
    WHERE "id" = ${id} AND "attempts" < ${CHALLENGE_MAX_ATTEMPTS} AND "usedAt" IS NULL
      AND "satisfiedAt" IS NULL AND "expiresAt" > now()
    RETURNING "attempts"`;
  return rows[0] ? { ok: true, attempts: Number(rows[0].attempts) } : { ok: false, attempts: CHALLENGE_MAX_ATTEMPTS };
}

export async function satisfyChallenge(id: string): Promise<void> {
  const prisma = await db();
  await prisma.loginChallenge.updateMany({ where: { id, satisfiedAt: null }, data: { satisfiedAt: new Date() } });
}

/**
 * Exchanges a finished challenge for the user it proves, exactly once. Only this call leads to a
 * session, and it needs the second factor (or enrolment) to be done when one was required.
 *
 * The 2FA rule is applied again here, not only when the password was checked: an admin may have
 * pressed Confirm (or a grace period ended) in between. Such a challenge now asks for what the rule
 * asks (enrolment, usually) and gives no session; the sign-in page resumes from it. Should enforcement
 * land after this check, the per-request check (lib/auth/session) stops the new session at enrolment.
 *
 * One statement when a second factor (or enrolment) satisfied the challenge: it is found and spent
 * together (spendSatisfiedChallenge). A challenge that needed nothing is spent only after the rule,
 * and one that a remembered device satisfied only after asking again whether the device is trusted.
 */
export async function redeemChallenge(token: string | undefined) {
  if (!token) return null;
  const row = await spendSatisfiedChallenge(token);
  if (!row) return null;
  if (row.spent) return withUser(row).user;
  if (!isOpen(row)) return null;
  if (row.deviceId) {
    // A remembered device stood in for the code: it must be trusted still, by the rule that let it.
    return row.satisfiedAt && (await deviceStillTrusted(row.userId, row.deviceId)) ? spend(row) : null;
  }
  if (row.requirement !== "none") return null;
  const { requirement } = await twoFactorPolicy(row.userId);
  if (requirement !== "none") {
    const prisma = await db();
    await prisma.loginChallenge.updateMany({
      where: { id: row.id, requirement: "none", usedAt: null },
      data: { requirement },
    });
    return null;
  }
  return spend(row);
}

/** Spends an open challenge once (of two requests at once, one), still under the user's version. */
async function spend(row: ChallengeRow) {
  const prisma = await db();
  const { count } = await prisma.loginChallenge.updateMany({
    where: { id: row.id, usedAt: null, user: { sessionVersion: row.userVersion } },
    data: { usedAt: new Date() },
  });
  return count === 1 ? withUser(row).user : null;
}

/**
 * The challenge behind a token with its user, spent (`spent: true`) in the same statement when it is
 * open and satisfied and asked for something ("verify" or "enrol"). The conditional UPDATE is what
 * makes it single use: of two requests at once, the second finds "usedAt" set and spends nothing.
 * Not one that a remembered device satisfied: redeemChallenge asks first whether the device is
 * trusted still.
 */
export async function spendSatisfiedChallenge(token: string) {
  const prisma = await db();
  const [row] = await prisma.$queryRaw<(ChallengeRow & { spent: boolean })[]>`
    WITH spent AS (
      UPDATE "LoginChallenge" AS lc SET "usedAt" = now()
      FROM "User" AS u
      WHERE lc."tokenHash" = ${sha256(token)} AND ${liveChallengeSql}
        AND lc."satisfiedAt" IS NOT NULL AND lc."requirement" <> 'none' AND lc."deviceId" IS NULL
      RETURNING lc."id"
    )
    SELECT ${challengeColumns}, EXISTS (SELECT 1 FROM spent) AS "spent"
    FROM "LoginChallenge" lc JOIN "User" u ON u."id" = lc."userId"
    WHERE lc."tokenHash" = ${sha256(token)}`;
  return row ?? null;
}
