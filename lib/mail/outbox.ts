import "server-only";
import { randomUUID } from "node:crypto";
import { audit, AuditType } from "@/lib/audit";
import { db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { log } from "@/lib/log";

/** `accountId`: the account the message is sent for (an invitation), where its failure is reported. */
export type Mail = { to: string; subject: string; text: string; accountId?: string | null };

/** Where a claimed message goes: SMTP, the development mailbox, or nowhere (production without SMTP). */
export type Transport = {
  /** "sent" keeps the body only outside production; "dropped" records that nothing was sent. */
  outcome: "sent" | "dropped";
  keepBody: boolean;
  send(mail: Mail): Promise<void>;
};

/** Nine attempts: eight waits of 15 s to 32 min, about an hour in all (51–76 min with the jitter). */
export const MAX_ATTEMPTS = 9;
/** Messages that failed this often show in the audit log as failing (once per message). */
export const REPORT_AFTER_ATTEMPTS = 3;
/** Long enough for a batch on a slow SMTP server (sockets time out after 20 s, lib/mail/send.ts). */
const CLAIM_SECONDS = 300;
const BATCH = 50;

/** 15 s, 30 s, 1 min, … (capped at an hour), with jitter so instances that failed together spread out. */
export function retryDelayMs(attempts: number, random = Math.random()): number {
  const base = Math.min(15_000 * 2 ** (attempts - 1), 3_600_000);
  return Math.round(base * (0.8 + 0.4 * random));
}

type Writer = Pick<Prisma.TransactionClient, "emailMessage">;

/**
 * Writes messages to the outbox. Pass the transaction of the change that causes them, so the change
 * and its messages are stored together or not at all; delivery happens later (lib/mail/send.ts).
 */
export async function queueMail(mail: Mail | Mail[], tx?: Writer): Promise<number> {
  const mails = Array.isArray(mail) ? mail : [mail];
  if (!mails.length) return 0;
  const writer = tx ?? (await db());
  const { count } = await writer.emailMessage.createMany({
    data: mails.map(({ to, subject, text, accountId }) => ({ to, subject, text, accountId })),
  });
  return count;
}

type Claimed = { id: string; to: string; subject: string; text: string; attempts: number; accountId: string | null };

/**
 * Claims due messages for this run, in one statement: a person's own mail first (a reset link lives
 * 30 minutes), then a broadcast's for the rest of the batch, so a notice to 100,000 members never
 * holds up a reset or an invitation behind it.
 * `FOR UPDATE SKIP LOCKED` lets any number of instances (or overlapping runs in one) claim at once
 * without two of them getting the same row; the claim token makes every later update conditional on
 * still owning the row.
 */
async function claimDue(token: string, limit: number): Promise<Claimed[]> {
  const prisma = await db();
  const due = Prisma.sql`"status" = 'queued' AND "nextAttemptAt" <= now()
    AND ("claimedUntil" IS NULL OR "claimedUntil" < now())`;
  return prisma.$queryRaw<Claimed[]>`
    WITH own AS (
      SELECT "id" FROM "EmailMessage" WHERE ${due} AND "broadcastId" IS NULL
      ORDER BY "nextAttemptAt" LIMIT ${limit}::int FOR UPDATE SKIP LOCKED
    ),
    bulk AS (
      SELECT "id" FROM "EmailMessage" WHERE ${due} AND "broadcastId" IS NOT NULL
      ORDER BY "nextAttemptAt" LIMIT ${limit}::int - (SELECT count(*) FROM own) FOR UPDATE SKIP LOCKED
    )
    UPDATE "EmailMessage" SET "claimToken" = ${token}, "claimedUntil" = now() + make_interval(secs => ${CLAIM_SECONDS}::int),
      "attempts" = "attempts" + 1
    WHERE "id" IN (SELECT "id" FROM own UNION ALL SELECT "id" FROM bulk)
    RETURNING "id", "to", "subject", "text", "attempts", "accountId"`;
}

async function markDelivered(message: Claimed, token: string, transport: Transport) {
  const prisma = await db();
  await prisma.emailMessage.updateMany({
    where: { id: message.id, claimToken: token, status: "queued" },
    data: {
      status: transport.outcome,
      sentAt: new Date(),
      error: null,
      claimToken: null,
      claimedUntil: null,
      ...(transport.keepBody ? {} : { text: "" }),
    },
  });
}

async function markFailed(message: Claimed, token: string, error: unknown) {
  const prisma = await db();
  const reason = (error instanceof Error ? error.message : String(error)).slice(0, 500);
  const givingUp = message.attempts >= MAX_ATTEMPTS;
  const { count } = await prisma.emailMessage.updateMany({
    where: { id: message.id, claimToken: token, status: "queued" },
    data: givingUp
      ? { status: "failed", error: reason, text: "", claimToken: null, claimedUntil: null }
      : {
          error: reason,
          nextAttemptAt: new Date(Date.now() + retryDelayMs(message.attempts)),
          claimToken: null,
          claimedUntil: null,
        },
  });
  if (count !== 1) return;
  const fields = { messageId: message.id, subject: message.subject, attempts: message.attempts, error: reason };
  await log[givingUp ? "error" : "warn"](givingUp ? "mail.given_up" : "mail.retry", fields);
  if (message.attempts === REPORT_AFTER_ATTEMPTS || givingUp) await reportFailing(message, reason, givingUp);
}

/**
 * Shown in the audit log of the people who can notice a missing email, and no one else: an account's
 * message (an invitation, which bounces before anyone has an account; a broadcast) in that account,
 * a person's own mail in the accounts they belong to. Another account that merely invited the address
 * learns nothing of that person's other mail.
 */
async function reportFailing(message: Claimed, reason: string, givingUp: boolean) {
  const prisma = await db();
  const user = await prisma.user.findUnique({ where: { email: message.to }, select: { id: true } });
  await audit({
    type: givingUp ? AuditType.mailGivenUp : AuditType.mailFailing,
    subjectId: user?.id ?? null,
    accountId: message.accountId,
    details: { subject: message.subject, to: message.to, attempts: message.attempts, error: reason.slice(0, 200) },
  });
}

/**
 * Sends one claimed message and records the outcome. A message that went out and could not be recorded
 * (the database failed just then) was not the mail's failure: it is not retried as one, nor reported as
 * failing; its claim runs out and it goes once more (at least once).
 */
async function deliverOne(message: Claimed, token: string, transport: Transport, report: DeliveryReport) {
  try {
    await transport.send(message);
  } catch (error) {
    await markFailed(message, token, error);
    if (message.attempts >= MAX_ATTEMPTS) report.failed++;
    else report.retrying++;
    return;
  }
  report.sent++;
  await markDelivered(message, token, transport).catch((error: unknown) =>
    log.error("mail.sent_unrecorded", { messageId: message.id, subject: message.subject, error }),
  );
}

export type DeliveryReport = { sent: number; retrying: number; failed: number };

/**
 * Delivers due messages until none is left or the time budget is spent. Each message is marked once,
 * by the run that claimed it; a run that dies mid-way leaves its claim to expire, and the message is
 * sent again then (at least once: SMTP gives no way to make a send and its record one step).
 */
export async function deliverOutbox(transport: Transport, budgetMs = 25_000): Promise<DeliveryReport> {
  const report: DeliveryReport = { sent: 0, retrying: 0, failed: 0 };
  const until = Date.now() + budgetMs;
  while (Date.now() < until) {
    const token = randomUUID();
    const batch = await claimDue(token, BATCH);
    await Promise.all(batch.map((message) => deliverOne(message, token, transport, report)));
    // A short batch took all that was due; mail queued since starts a run of its own (lib/mail/send.ts).
    if (batch.length < BATCH) break;
  }
  return report;
}
