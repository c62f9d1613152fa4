import "server-only";
import { audit, AuditType } from "@/lib/audit";
import { db } from "@/lib/db";
import { AppError, ErrorCode } from "@/lib/errors";
import type { Role } from "@/lib/generated/prisma/enums";
import { messages } from "@/lib/mail/messages";
import { sendMail } from "@/lib/mail/send";
import type { RequestMeta } from "@/lib/request-meta";
import { removeAuthenticator } from "@/lib/two-factor/store";
import { assertCanManage } from "./guard";

export const MEMBERS_PAGE_SIZE = 50;

export async function listMembers(accountId: string, options: { withoutTwoFactor?: boolean; page?: number } = {}) {
  const prisma = await db();
  const where = { accountId, ...(options.withoutTwoFactor ? { user: { totpEnabledAt: null } } : {}) };
  const page = Math.max(1, options.page ?? 1);
  const [total, rows] = await Promise.all([
    prisma.membership.count({ where }),
    prisma.membership.findMany({
      where,
      orderBy: [{ user: { name: "asc" } }, { id: "asc" }],
      skip: (page - 1) * MEMBERS_PAGE_SIZE,
      take: MEMBERS_PAGE_SIZE,
      select: { id: true, role: true, user: { select: { id: true, name: true, email: true, totpEnabledAt: true } } },
    }),
  ]);
  const members = rows.map((m) => ({ membershipId: m.id, role: m.role, ...m.user, twoFactor: m.user.totpEnabledAt !== null }));
  return { members, total, page, pages: Math.max(1, Math.ceil(total / MEMBERS_PAGE_SIZE)) };
}

/** A membership of this account (never of another), with the rules for touching owners. */
async function targetMembership(actorId: string, accountId: string, membershipId: string) {
  const actor = await assertCanManage(actorId, accountId);
  const prisma = await db();
  const target = await prisma.membership.findFirst({
    where: { id: membershipId, accountId },
    select: { id: true, role: true, userId: true, user: { select: { email: true } } },
  });
  if (!target) throw new AppError(ErrorCode.notFound);
  // Admins manage members and admins; only owners can change or remove an owner.
  if (target.role === "owner" && actor.role !== "owner") throw new AppError(ErrorCode.forbidden);
  return { actor, target };
}

async function assertAnotherOwner(accountId: string, leavingMembershipId: string) {
  const prisma = await db();
  const owners = await prisma.membership.count({ where: { accountId, role: "owner", id: { not: leavingMembershipId } } });
  if (owners === 0) throw new AppError(ErrorCode.lastOwner);
}

export async function changeRole(actorId: string, accountId: string, membershipId: string, role: Role, meta: RequestMeta) {
  const { actor, target } = await targetMembership(actorId, accountId, membershipId);
  if (role === "owner" && actor.role !== "owner") throw new AppError(ErrorCode.forbidden);
  if (target.role === "owner" && role !== "owner") await assertAnotherOwner(accountId, target.id);
  const prisma = await db();
  await prisma.membership.update({ where: { id: target.id }, data: { role } });
  await audit({ type: AuditType.roleChanged, actorId, subjectId: target.userId, accountId, meta, details: { from: target.role, to: role } });
}

export async function removeMember(actorId: string, accountId: string, membershipId: string, meta: RequestMeta) {
  const { target } = await targetMembership(actorId, accountId, membershipId);
  if (target.role === "owner") await assertAnotherOwner(accountId, target.id);
  const prisma = await db();
  await prisma.membership.delete({ where: { id: target.id } });
  await audit({ type: AuditType.memberRemoved, actorId, subjectId: target.userId, accountId, meta, details: { email: target.user.email } });
}

/**
 * For a member who lost their device: removes their authenticator and recovery codes and ends their
 * sessions. In an enforcing account they enrol again at their next sign-in.
 */
export async function resetMemberTwoFactor(actorId: string, accountId: string, membershipId: string, meta: RequestMeta) {
  const { actor, target } = await targetMembership(actorId, accountId, membershipId);
  if (target.userId === actorId) throw new AppError(ErrorCode.forbidden, "Use your profile to change your own two-factor authentication.");
  const prisma = await db();
  await prisma.$transaction((tx) => removeAuthenticator(tx, target.userId));
  await audit({ type: AuditType.twoFactorReset, actorId, subjectId: target.userId, accountId, meta });
  await sendMail(messages.twoFactorReset(target.user.email, actor.account.name, meta.origin));
}
