import "server-only";
import { auditInsertSql, AuditType, logAudit } from "@/lib/audit";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { Prisma } from "@/lib/generated/prisma/client";
import { messages } from "@/lib/mail/messages";
import { deliverAfterResponse } from "@/lib/mail/send";
import { releaseAttemptSql } from "@/lib/rate-limit";
import type { RequestMeta } from "@/lib/request-meta";
import { openSessionSql, type OpenedSession } from "../session-record";
import { recoveryCodeCandidates } from "@/lib/two-factor/recovery-code-hash";
import { RECOVERY_CODE_COUNT } from "@/lib/two-factor/recovery-codes";
import { liveChallengeSql } from "./challenge-limits";
import type { StepClaim } from "./step-claim";

// The second step's last statement, once the code was checked: the code is spent (the TOTP step's
// compare-and-set, or the recovery code's conditional update) and, only if that won, the user's
// attempt is given back and the challenge satisfied, in the same statement. A code that lost the race
// changes nothing else and is a replay (TOTP) or an unknown code (recovery).
// With `signIn` (the request's meta) the sign-in ends there too: the challenge is spent as well as
// satisfied, the session record opened and the sign-in audited, all only if the code won, so the
// browser needs no second request (next-auth's exchange) and the whole step stays two statements.

/**
 * Who sent the code (for the audit rows and the session record). With `signIn` the statement also
 * ends the sign-in, as above.
 */
export type StepContext = { meta?: RequestMeta; signIn?: false } | { meta: RequestMeta; signIn: true };

const satisfied = (claim: StepClaim, won: Prisma.Sql, signIn: RequestMeta | undefined) => Prisma.sql`
  UPDATE "LoginChallenge" AS lc SET "satisfiedAt" = now()${signIn ? Prisma.sql`, "usedAt" = now()` : Prisma.empty}
  WHERE lc."id" = ${claim.challengeId} AND lc."satisfiedAt" IS NULL AND lc."usedAt" IS NULL AND ${won}
    ${signIn ? spendable : Prisma.empty}
  RETURNING lc."id"`;

/**
 * Spent only as the exchange spends a challenge (spendSatisfiedChallenge), asked again here: a password
 * change or reset since the claim (a new session version) or its expiry ends the sign-in, the code
 * stays spent, and no session is opened or audited.
 */
const spendable = Prisma.sql`AND EXISTS (SELECT 1 FROM "User" AS u WHERE ${liveChallengeSql})`;

const signInMeta = (context: StepContext) => (context.signIn ? context.meta : undefined);

const signInEvent = (claim: StepClaim, meta: RequestMeta) =>
  ({ type: AuditType.signIn, subjectId: claim.user.id, actorId: claim.user.id, meta }) as const;

/** The session's CTEs after `satisfied` (the challenge row this statement updated orders them). */
const grantSql = (claim: StepClaim, signIn: RequestMeta | undefined) =>
  signIn
    ? Prisma.sql`, ${openSessionSql(claim.user, signIn, Prisma.sql`satisfied`)},
      signed_in AS (${auditInsertSql(signInEvent(claim, signIn), Prisma.sql`EXISTS (SELECT 1 FROM opened)`)})`
    : Prisma.empty;

const openedColumns = (signIn: RequestMeta | undefined) =>
  signIn
    ? Prisma.sql`, (SELECT "id" FROM opened) AS "sessionId", (SELECT "expiresAt" FROM opened) AS "sessionExpiresAt",
      (SELECT array_agg("accountId") FROM signed_in) AS "signInAccountIds"`
    : Prisma.empty;

type OpenedRow = {
  sessionId?: string | null;
  sessionExpiresAt?: Date | null;
  signInAccountIds?: (string | null)[] | null;
};

/** The session the statement opened, if any, and the sign-in's log line (its audit rows are written). */
async function openedBy(
  row: OpenedRow | undefined,
  claim: StepClaim,
  signIn: RequestMeta | undefined,
): Promise<OpenedSession | null> {
  if (!signIn || !row?.sessionId || !row.sessionExpiresAt) return null;
  const accountIds = (row.signInAccountIds ?? []).filter((id) => id !== null);
  await logAudit(signInEvent(claim, signIn), accountIds);
  return { id: row.sessionId, expiresAt: row.sessionExpiresAt };
}

/**
 * Advances the user's last accepted TOTP step to `step` if it is newer and the authenticator is the one
 * the code was checked against (set up at the same time; re-sealed by a key rotation meanwhile is fine).
 */
export async function acceptTotpStep(
  claim: StepClaim,
  step: number,
  context: StepContext = {},
): Promise<{ session: OpenedSession | null } | null> {
  const prisma = await db();
  const signIn = signInMeta(context);
  const won = Prisma.sql`EXISTS (SELECT 1 FROM advanced)`;
  const rows = await prisma.$queryRaw<({ accepted: boolean } & OpenedRow)[]>`
    WITH advanced AS (
      UPDATE "User" SET "totpLastStep" = ${step}::int, "updatedAt" = now()
      WHERE "id" = ${claim.user.id} AND "totpEnabledAt" = ${claim.totpEnabledAt}::timestamptz
        AND ("totpLastStep" IS NULL OR "totpLastStep" < ${step}::int)
      RETURNING "id"
    ), released AS (${releaseAttemptSql(claim.attempt, won)}),
    satisfied AS (${satisfied(claim, won, signIn)})${grantSql(claim, signIn)}
    SELECT ${won} AS "accepted"${openedColumns(signIn)}`;
  if (rows[0]?.accepted !== true) return null;
  return { session: await openedBy(rows[0], claim, signIn) };
}

/**
 * Marks one unused recovery code used (under any key of the ring), and with it: the attempt given
 * back, the challenge satisfied, `recovery_code.used` audited in each of the user's accounts and the
 * email queued, saying how many codes remain (counted in this statement; its text for each possible
 * count is passed in, the database picks one). Null when no unused code matched.
 * The user's unused codes are locked first, in id order (no deadlock between two sign-ins): a
 * statement that waited for another's lock re-reads them, so two codes used at once count 9 and 8,
 * not 9 twice (a count read from the statement's snapshot would miss the other's update).
 */
export async function acceptRecoveryStep(
  claim: StepClaim,
  normalized: string,
  context: StepContext = {},
): Promise<{ remaining: number; session: OpenedSession | null } | null> {
  const prisma = await db();
  const { meta } = context;
  const signIn = signInMeta(context);
  const userId = claim.user.id;
  const won = Prisma.sql`(SELECT count(*) FROM used) = 1`;
  const texts = Array.from(
    { length: RECOVERY_CODE_COUNT },
    (_, remaining) => messages.recoveryCodeUsed(claim.user.email, remaining, meta?.origin).text,
  );
  const { subject } = messages.recoveryCodeUsed(claim.user.email, 0, meta?.origin);
  const event = { type: AuditType.recoveryCodeUsed, subjectId: userId, meta };
  const candidates = recoveryCodeCandidates(env().totpKeys, userId, normalized);
  const rows = await prisma.$queryRaw<
    ({ remaining: number | null; accountIds: (string | null)[] | null } & OpenedRow)[]
  >`
    WITH unused AS (
      SELECT "id", "codeHash" IN (${Prisma.join(candidates)}) AS "match" FROM "RecoveryCode"
      WHERE "userId" = ${userId} AND "usedAt" IS NULL
      ORDER BY "id" FOR UPDATE
    ), used AS (
      UPDATE "RecoveryCode" SET "usedAt" = now()
      WHERE "id" = (SELECT "id" FROM unused WHERE "match" LIMIT 1) AND "usedAt" IS NULL
      RETURNING "id"
    ), remaining AS (
      SELECT count(*)::int AS n FROM unused WHERE NOT "match"
    ), released AS (${releaseAttemptSql(claim.attempt, won)}),
    satisfied AS (${satisfied(claim, won, signIn)}),
    audited AS (${auditInsertSql({ ...event, details: Prisma.sql`jsonb_build_object('remaining', (SELECT n FROM remaining))` }, won)}),
    mailed AS (
      INSERT INTO "EmailMessage" ("id", "to", "subject", "text")
      SELECT gen_random_uuid()::text, ${claim.user.email}, ${subject},
        (${texts}::text[])[least((SELECT n FROM remaining), ${texts.length - 1}::int) + 1]
      WHERE ${won}
    )${grantSql(claim, signIn)}
    SELECT CASE WHEN ${won} THEN (SELECT n FROM remaining) END AS "remaining",
      (SELECT array_agg("accountId") FROM audited) AS "accountIds"${openedColumns(signIn)}`;
  const row = rows[0];
  if (row?.remaining === null || row?.remaining === undefined) return null;
  const remaining = Number(row.remaining);
  await logAudit(
    { ...event, details: { remaining } },
    (row.accountIds ?? []).filter((id) => id !== null),
  );
  deliverAfterResponse();
  return { remaining, session: await openedBy(row, claim, signIn) };
}
