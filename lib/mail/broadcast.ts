import "server-only";
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { log } from "@/lib/log";
import { audiences, isAudience, type Audience } from "./audiences";
import type { MemberMail } from "./messages";

// One message to many members: the change's transaction stores one row (constant time, whatever the
// account's size), and the mail poller expands it into ordinary outbox rows, a batch of members at a
// time, each batch its own short transaction. Kept out of lib/mail/send.ts and outbox.ts: the audiences
// read lib/two-factor, whose factors send mail (the poller that calls this is lib/mail/poll.ts).

export const BROADCAST_BATCH = 1_000;

type Writer = Pick<Prisma.TransactionClient, "mailBroadcast">;

/** Stores a broadcast; pass the transaction of the change that causes it. Returns its id. */
export async function queueBroadcast(
  tx: Writer,
  accountId: string,
  audience: Audience,
  mail: MemberMail,
): Promise<string> {
  const { id } = await tx.mailBroadcast.create({
    data: { accountId, audience, subject: mail.subject, text: mail.text },
    select: { id: true },
  });
  return id;
}

type Step = { done: boolean; inserted: number } | null;

/**
 * Expands the next batch of one broadcast: locks its row (SKIP LOCKED: a concurrent run moves on
 * instead of waiting), writes a message for each member of the next `batchSize` (keyset by userId
 * after the cursor) who matches the audience now, and advances the cursor in the same transaction. A
 * crash before the commit leaves neither the messages nor the cursor; after it, both. The unique
 * (broadcastId, to) index makes a repeated batch write nothing, should anything get past the lock.
 * A member who joins behind the cursor is not written to: they joined after the change, and what the
 * message says reaches them at their sign-in (enforcement applies on every way in).
 * Returns null when the broadcast is done, locked by another run, or gone.
 */
export async function expandBatch(broadcastId: string, batchSize = BROADCAST_BATCH): Promise<Step> {
  const prisma = await db();
  return prisma.$transaction(async (tx) => {
    const [broadcast] = await tx.$queryRaw<
      { accountId: string; audience: string; subject: string; text: string; cursor: string | null }[]
    >`SELECT "accountId", "audience", "subject", "text", "cursor" FROM "MailBroadcast"
      WHERE "id" = ${broadcastId} AND "doneAt" IS NULL FOR UPDATE SKIP LOCKED`;
    if (!broadcast) return null;
    if (!isAudience(broadcast.audience)) {
      await log.error("mail.broadcast_unknown_audience", { broadcastId, audience: broadcast.audience });
      await tx.mailBroadcast.update({ where: { id: broadcastId }, data: { doneAt: new Date() } });
      return null;
    }
    const [step] = await tx.$queryRaw<{ last: string | null; scanned: number; inserted: number }[]>`
      WITH m AS (
        SELECT "userId", "role" FROM "Membership"
        WHERE "accountId" = ${broadcast.accountId} AND "userId" > ${broadcast.cursor ?? ""}
        ORDER BY "userId" LIMIT ${batchSize}::int
      ), written AS (
        INSERT INTO "EmailMessage" ("id", "to", "subject", "text", "broadcastId", "accountId")
        SELECT gen_random_uuid()::text, u."email", ${broadcast.subject}, ${broadcast.text}, ${broadcastId},
          ${broadcast.accountId}
        FROM m JOIN "User" u ON u."id" = m."userId"
        WHERE ${audiences[broadcast.audience]}
        ON CONFLICT ("broadcastId", "to") DO NOTHING
        RETURNING 1
      )
      SELECT (SELECT max("userId") FROM m) AS "last", (SELECT count(*) FROM m)::int AS "scanned",
        (SELECT count(*) FROM written)::int AS "inserted"`;
    const done = step!.scanned < batchSize;
    await tx.mailBroadcast.update({
      where: { id: broadcastId },
      data: {
        cursor: step!.last ?? broadcast.cursor,
        queued: { increment: step!.inserted },
        ...(done ? { doneAt: new Date() } : {}),
      },
    });
    return { done, inserted: step!.inserted };
  });
}

export type ExpandOptions = { until?: number; batchSize?: number; maxBatches?: number };

/**
 * Expands pending broadcasts, oldest first, until none is left, the time is up or `maxBatches` batches
 * were expanded. Returns how many batches ran and how many messages they wrote.
 */
export async function expandBroadcasts({ until = Infinity, batchSize, maxBatches = Infinity }: ExpandOptions = {}) {
  const prisma = await db();
  const pending = await prisma.mailBroadcast.findMany({
    where: { doneAt: null },
    orderBy: { createdAt: "asc" },
    select: { id: true },
    take: 20,
  });
  let written = 0;
  let batches = 0;
  for (const { id } of pending) {
    while (batches < maxBatches && Date.now() < until) {
      const step = await expandBatch(id, batchSize);
      if (!step) break;
      batches++;
      written += step.inserted;
      if (step.done) break;
    }
  }
  return { batches, written };
}
