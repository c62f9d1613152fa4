import "server-only";
import { audit, AuditType } from "@/lib/audit";
import { db } from "@/lib/db";
import { AppError, ErrorCode } from "@/lib/errors";
import { messages } from "@/lib/mail/messages";
import { queueBroadcast } from "@/lib/mail/broadcast";
import { pollAfterResponse } from "@/lib/mail/poll";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { RequestMeta } from "@/lib/request-meta";
import { verifySecondFactor } from "@/lib/two-factor/attempts";
import { MAX_GRACE_HOURS, type Proof } from "@/lib/two-factor/proof";
import { hasSecondFactor } from "@/lib/two-factor/second-factor";
import { assertCanManage, withAccountLocked } from "./guard";

/**
 * "7 of 9 members protected", from the memberships' copy of "has 2FA" (kept by the database,
 * prisma/schema.prisma): two index-only counts, 12 ms for a 100,000-member account where joining each
 * membership to its user's factors took 1.5 s (docs/benchmarks.md).
 */
export async function protectionSummary(accountId: string, client?: Pick<Prisma.TransactionClient, "$queryRaw">) {
  const prisma = client ?? (await db());
  const [row] = await prisma.$queryRaw<{ total: number; without: number }[]>`
    SELECT (SELECT count(*) FROM "Membership" WHERE "accountId" = ${accountId})::int AS "total",
      (SELECT count(*) FROM "Membership" WHERE "accountId" = ${accountId} AND NOT "hasSecondFactor")::int AS "without"`;
  return { total: row!.total, protected: row!.total - row!.without };
}

/**
 * Turns enforcement on. Refused for members and for an admin without 2FA of their own, whatever the
 * browser sends. Members without 2FA are emailed instructions (never a secret or a QR code).
 */
export async function enableEnforcement(actorId: string, accountId: string, graceHours: number, meta: RequestMeta) {
  const { account } = await assertCanManage(actorId, accountId);
  if (!Number.isInteger(graceHours) || graceHours < 0 || graceHours > MAX_GRACE_HOURS) {
    throw new AppError(ErrorCode.invalidInput, `The grace period is 0 to ${MAX_GRACE_HOURS} hours.`);
  }
  const enforcedAt = new Date();
  const deadline = new Date(enforcedAt.getTime() + graceHours * 3_600_000);
  // The switch, its audit events and ONE broadcast row are stored together, a few rows whatever the
  // account's size; the mail poller turns the broadcast into one email per member without 2FA, in
  // batches after the response (lib/mail/broadcast.ts), so 100,000 members never hold the request.
  const notifying = await withAccountLocked(accountId, async (tx) => {
    await assertCanManage(actorId, accountId, tx); // again under the lock a demotion takes too
    // Checked here only: turning one's last factor off reads this row share-locked (lockForFactorChange).
    if (!(await hasSecondFactor(actorId, tx))) throw new AppError(ErrorCode.ownTwoFactorFirst);
    const { count } = await tx.account.updateMany({
      where: { id: accountId, enforceTwoFactor: false },
      data: { enforceTwoFactor: true, enforcedAt, graceHours },
    });
    if (count !== 1) throw new AppError(ErrorCode.alreadyEnforced);
    const notice = messages.enforcementNotice(account.name, graceHours > 0 ? deadline : null, meta.origin);
    const broadcastId = await queueBroadcast(tx, accountId, "withoutSecondFactor", notice);
    await audit({ type: AuditType.enforcementOn, actorId, accountId, meta, details: { graceHours, broadcastId } }, tx);
    if (graceHours > 0) {
      const details = { graceHours, deadline: deadline.toISOString() };
      await audit({ type: AuditType.graceSet, actorId, accountId, meta, details }, tx);
    }
    return broadcastId;
  });
  pollAfterResponse();
  return { notifying, deadline };
}

/**
 * Turns enforcement off; it lowers every member's protection, so it needs a fresh second factor. Every
 * member is told (and that they may keep their 2FA), owners and admins are told who did it, and the
 * audit event records what was in force and how many members it protected.
 */
export async function disableEnforcement(actorId: string, accountId: string, proof: Proof, meta: RequestMeta) {
  const { role, account } = await assertCanManage(actorId, accountId);
  const prisma = await db();
  const before = await prisma.account.findUniqueOrThrow({
    where: { id: accountId },
    select: { enforceTwoFactor: true, enforcedAt: true, graceHours: true },
  });
  if (!before.enforceTwoFactor) throw new AppError(ErrorCode.notEnforced); // before a recovery code is spent
  await verifySecondFactor(actorId, proof, meta);
  const actor = await prisma.user.findUniqueOrThrow({ where: { id: actorId }, select: { email: true } });
  // Conditional on the enforcement that was read, so the event describes what this call turned off.
  const summary = await withAccountLocked(accountId, async (tx) => {
    await assertCanManage(actorId, accountId, tx); // again under the lock a demotion takes too
    const { count } = await tx.account.updateMany({
      where: { id: accountId, enforceTwoFactor: true, enforcedAt: before.enforcedAt, graceHours: before.graceHours },
      data: { enforceTwoFactor: false, enforcedAt: null, graceHours: 0 },
    });
    if (count !== 1) throw new AppError(ErrorCode.notEnforced);
    const forAdmins = messages.enforcementOffForAdmins(account.name, actor.email, meta.origin);
    await queueBroadcast(tx, accountId, "managers", forAdmins);
    await queueBroadcast(tx, accountId, "others", messages.enforcementOff(account.name, meta.origin));
    return protectionSummary(accountId, tx);
  });
  pollAfterResponse();
  await audit({
    type: AuditType.enforcementOff,
    actorId,
    accountId,
    meta,
    details: {
      method: proof.method,
      actorRole: role,
      graceHours: before.graceHours,
      enforcedSince: before.enforcedAt?.toISOString() ?? null,
      members: summary.total,
      membersProtected: summary.protected,
    },
  });
}
