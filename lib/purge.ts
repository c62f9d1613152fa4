import "server-only";
import { db } from "@/lib/db";
import { PLANNED_PER_RUN } from "@/lib/db/statement-names";
import { Prisma } from "@/lib/generated/prisma/client";
import { log } from "@/lib/log";
import { PURGE_ADVISORY_LOCK } from "@/lib/purge-lock";

// Rows that only ever matter until they expire are deleted here, in the background, never in a
// request: in small batches (each its own short statement, found through an index on the expiry
// column), with pauses between them, so a backlog of a million rows costs no request a lock wait or a
// slow query. Several server instances share the work: a batch runs only while its transaction holds
// PostgreSQL's advisory lock, so at most one instance purges at a time and the others skip.

const DAY = 86_400_000;
/** How long rows stay after they stop mattering (docs/deploy.md, "Data retention"). */
export const RETENTION = { sentMailDays: 30, failedMailDays: 90 } as const;
export const PURGE_BATCH = 1_000;
/** Per table and run; the rest waits for the next run, so one run never takes long. */
export const MAX_BATCHES_PER_RUN = 50;
const PAUSE_MS = 25;

type Target = { table: string; expired: (now: Date) => Prisma.Sql };
const expiredBy = (table: string): Target => ({ table, expired: (now) => Prisma.sql`"expiresAt" < ${now}` });

/**
 * What goes, and when. Each condition is served by an index (prisma/schema.prisma), but
 * TotpEnrolment's: it holds one row per user between "Enable" and the first code, gone within minutes,
 * so it stays small enough to scan.
 */
export const purgeTargets: Target[] = [
  expiredBy("LoginChallenge"), // a used challenge expires within minutes too; WebAuthn ceremonies go with it
  expiredBy("WebAuthnCeremony"),
  expiredBy("RateLimit"),
  expiredBy("PasswordResetToken"), // used or not: a used token expires within the hour
  expiredBy("Invitation"), // accepted (membership exists) or never accepted
  expiredBy("PendingSignup"),
  expiredBy("Session"), // revoked ones too: the absolute lifetime ends every session
  expiredBy("SignInAddress"), // 30 days after the last sign-in from it
  expiredBy("RememberedDevice"),
  expiredBy("TotpEnrolment"),
  {
    table: "EmailMessage",
    expired: (now) =>
      Prisma.sql`"status" = 'sent' AND "sentAt" < ${new Date(now.getTime() - RETENTION.sentMailDays * DAY)}`,
  },
  {
    table: "EmailMessage",
    expired: (now) =>
      Prisma.sql`"status" IN ('failed', 'dropped') AND "nextAttemptAt" < ${new Date(now.getTime() - RETENTION.failedMailDays * DAY)}`,
  },
  {
    // An expanded broadcast only says how many messages it wrote; it goes with the messages it wrote.
    table: "MailBroadcast",
    expired: (now) => Prisma.sql`"doneAt" < ${new Date(now.getTime() - RETENTION.sentMailDays * DAY)}`,
  },
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Deletes one batch of `target`'s rows expired at `now` (a JS Date, compared with the timestamptz
 * column: the database's clock and TimeZone play no part). Null when another instance holds the lock.
 */
export async function purgeBatch(target: Target, now: Date, limit = PURGE_BATCH): Promise<number | null> {
  const prisma = await db();
  const table = Prisma.raw(`"${target.table}"`);
  return prisma.$transaction(async (tx) => {
    const [lock] = await tx.$queryRaw<
      { locked: boolean }[]
    >`SELECT pg_try_advisory_xact_lock(${PURGE_ADVISORY_LOCK}) AS locked`;
    if (!lock?.locked) return null;
    // Planned per run: how much of the table a cutoff selects (none of it, or a backlog of millions)
    // decides between the expiry index and a scan, which one generic plan cannot.
    return tx.$executeRaw`
      DELETE FROM ${table} WHERE ctid = ANY(ARRAY(
        SELECT ctid FROM ${table} WHERE ${target.expired(now)} LIMIT ${limit}::int)) ${Prisma.raw(PLANNED_PER_RUN)}`;
  });
}

/** One run over every table; returns how many rows went from each. Stops early if another instance purges. */
export async function purgeExpired(
  now: () => Date = () => new Date(),
  options: { pauseMs?: number; maxBatches?: number } = {},
): Promise<Record<string, number>> {
  const { pauseMs = PAUSE_MS, maxBatches = MAX_BATCHES_PER_RUN } = options;
  const removed: Record<string, number> = {};
  for (const target of purgeTargets) {
    for (let batch = 0; batch < maxBatches; batch++) {
      const count = await purgeBatch(target, now());
      if (count === null) return removed;
      removed[target.table] = (removed[target.table] ?? 0) + count;
      if (count < PURGE_BATCH) break;
      await sleep(pauseMs);
    }
  }
  return removed;
}

/** Every `everyMs` (± a quarter, so instances started together drift apart), in the server process. */
export function startPurgeSchedule(everyMs = 10 * 60_000): () => void {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const next = () => {
    if (stopped) return;
    timer = setTimeout(run, everyMs * (0.75 + Math.random() / 2));
    timer.unref();
  };
  const run = async () => {
    try {
      const removed = await purgeExpired();
      const total = Object.values(removed).reduce((a, b) => a + b, 0);
      if (total) void log.info("purge", { removed });
    } catch (error) {
      void log.error("purge.failed", { error });
    } finally {
      next();
    }
  };
  next();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
