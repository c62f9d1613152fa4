import "server-only";
import { randomUUID } from "node:crypto";
import { sha256 } from "@/lib/crypto/tokens";
import { db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { limits, reserveAttemptSql, type Attempt } from "@/lib/rate-limit";
import { SECOND_FACTOR_KEY_PREFIX } from "@/lib/two-factor/attempts";
import { CHALLENGE_MAX_ATTEMPTS, liveChallengeSql } from "./challenge-limits";

/** What the second step's first statement hands to the code check; secrets stay on the server. */
export type StepClaim = {
  challengeId: string;
  /** This challenge's attempts, the claimed one included (1–5). */
  attempts: number;
  user: { id: string; email: string; name: string; sessionVersion: number };
  /** The sealed TOTP secret and the last accepted step, for the code check and its compare-and-set. */
  totpSecret: string | null;
  totpLastStep: number | null;
  /**
   * When that authenticator was set up: it names the secret for the compare-and-set. The ciphertext
   * cannot, since `keys:rotate` re-seals the same secret beside the running app.
   */
  totpEnabledAt: Date | null;
  /** The per-user reservation (10 per 15 minutes); `allowed: false` means the user is locked out. */
  attempt: Attempt;
};

type Row = Omit<StepClaim, "user" | "attempt"> & {
  userId: string;
  email: string;
  name: string;
  sessionVersion: number;
  key: string;
  allowed: boolean;
  count: number;
  resetAt: Date;
};

/**
 * The second step's first statement: claims one of the challenge's 5 attempts and reserves one of the
 * user's (./second-factor) in one round trip, and returns what the code check needs. The challenge
 * must be a live "verify" challenge (unexpired, unused, unsatisfied, attempts left, issued under the
 * user's current session version); otherwise nothing changes and the answer is null. The user's
 * attempt is reserved only when the challenge's was claimed, and the challenge's counts even when the
 * user is locked out, as when these were two statements. Times are the database's clock.
 */
export async function claimSecondStepAttempt(token: string | undefined): Promise<StepClaim | null> {
  if (!token) return null;
  const prisma = await db();
  const id = randomUUID();
  const { limit, windowMs } = limits.secondFactorPerUser;
  const rows = await prisma.$queryRaw<Row[]>`
    WITH claimed AS (
      UPDATE "LoginChallenge" AS lc SET "attempts" = lc."attempts" + 1
      FROM "User" AS u
      WHERE lc."tokenHash" = ${sha256(token)} AND ${liveChallengeSql} AND lc."requirement" = 'verify'
        AND lc."satisfiedAt" IS NULL AND lc."attempts" < ${CHALLENGE_MAX_ATTEMPTS}::int
      RETURNING lc."id" AS "challengeId", lc."attempts", u."id" AS "userId", u."email", u."name",
        u."sessionVersion", u."totpSecret", u."totpLastStep", u."totpEnabledAt"
    ), reserved AS (
      ${reserveAttemptSql({ key: Prisma.sql`${SECOND_FACTOR_KEY_PREFIX}::text || claimed."userId"`, id, limit, windowMs, from: Prisma.sql`claimed` })}
    )
    SELECT claimed.*, reserved.* FROM claimed CROSS JOIN reserved`;
  const row = rows[0];
  if (!row) return null;
  return {
    challengeId: row.challengeId,
    attempts: Number(row.attempts),
    user: { id: row.userId, email: row.email, name: row.name, sessionVersion: Number(row.sessionVersion) },
    totpSecret: row.totpSecret,
    totpLastStep: row.totpLastStep === null ? null : Number(row.totpLastStep),
    totpEnabledAt: row.totpEnabledAt,
    attempt: { key: row.key, id, allowed: row.allowed, count: Number(row.count), limit, resetAt: row.resetAt },
  };
}
