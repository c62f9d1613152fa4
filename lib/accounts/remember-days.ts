import "server-only";
import { audit, AuditType } from "@/lib/audit";
import { MAX_REMEMBER_DEVICE_DAYS } from "@/lib/auth/remembered-devices";
import { db } from "@/lib/db";
import { PLANNED_PER_RUN } from "@/lib/db/statement-names";
import { AppError, ErrorCode } from "@/lib/errors";
import { Prisma } from "@/lib/generated/prisma/client";
import type { RequestMeta } from "@/lib/request-meta";
import { verifySecondFactor } from "@/lib/two-factor/attempts";
import type { Proof } from "@/lib/two-factor/proof";
import { hasSecondFactor } from "@/lib/two-factor/second-factor";
import { assertCanManage, withAccountLocked } from "./guard";

/**
 * "Remember devices for (days)": how long, while this account enforces 2FA, its members may skip the
 * second factor on a browser they ticked "Don't ask again" in (0 = never). A user in several enforcing
 * accounts gets the smallest of them, applied at every sign-in. Lowering it also ends, for good, the
 * members' trust older than the new limit (every device at 0): raising it again later, or the account
 * no longer enforcing, must not bring back a browser an admin meant to shut out.
 *
 * A longer time lowers the account's protection, as stopping enforcement does, so the admin confirms
 * it with a second factor of their own (`proof`); an admin without one is told to protect their own
 * login first (an admin in a grace period may still manage an enforcing account). Longer is judged
 * against the days under the account's lock too, so another admin lowering them meanwhile is not
 * undone without the proof.
 */
export async function setRememberDeviceDays(
  actorId: string,
  accountId: string,
  days: number,
  meta: RequestMeta,
  proof?: Proof,
) {
  await assertCanManage(actorId, accountId);
  if (!Number.isInteger(days) || days < 0 || days > MAX_REMEMBER_DEVICE_DAYS) {
    throw new AppError(ErrorCode.invalidInput, `Use 0 to ${MAX_REMEMBER_DEVICE_DAYS} days.`);
  }
  const prisma = await db();
  const before = await prisma.account.findUniqueOrThrow({
    where: { id: accountId },
    select: { rememberDeviceDays: true },
  });
  const confirmed = days > before.rememberDeviceDays ? await confirmLonger(actorId, proof, meta) : null;
  await withAccountLocked(accountId, async (tx) => {
    await assertCanManage(actorId, accountId, tx); // again under the lock a demotion takes too
    const now = await tx.account.findUniqueOrThrow({ where: { id: accountId }, select: { rememberDeviceDays: true } });
    if (days > now.rememberDeviceDays && !confirmed) throw new AppError(ErrorCode.secondFactorRequired, LONGER);
    await tx.account.update({ where: { id: accountId }, data: { rememberDeviceDays: days } });
    // Planned per run: a generic plan, made for an account of about 100 members, probes each member's
    // devices, 194 ms for 100,000 members where their own plan hashes the table in 21 ms.
    await tx.$executeRaw`
      UPDATE "RememberedDevice" AS d SET "expiresAt" = d."createdAt" + make_interval(days => ${days}::int)
      WHERE d."userId" IN (SELECT m."userId" FROM "Membership" AS m WHERE m."accountId" = ${accountId})
        AND d."expiresAt" > d."createdAt" + make_interval(days => ${days}::int) ${Prisma.raw(PLANNED_PER_RUN)}`;
  });
  await audit({
    type: AuditType.rememberDaysSet,
    actorId,
    accountId,
    meta,
    details: { days, from: before.rememberDeviceDays, ...(confirmed ? { method: confirmed.method } : {}) },
  });
  return { days };
}

const LONGER = "Confirm with a second factor to remember devices for longer.";

/** What lets a longer time be saved: a second factor of the admin's, checked now. */
async function confirmLonger(actorId: string, proof: Proof | undefined, meta: RequestMeta) {
  if (!(await hasSecondFactor(actorId))) throw new AppError(ErrorCode.ownTwoFactorFirst);
  if (!proof) throw new AppError(ErrorCode.secondFactorRequired, LONGER);
  await verifySecondFactor(actorId, proof, meta);
  return { method: proof.method };
}
