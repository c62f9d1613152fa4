import "server-only";
import { audit, AuditType } from "@/lib/audit";
import { db } from "@/lib/db";
import { AppError, ErrorCode } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { Role } from "@/lib/generated/prisma/enums";
import { messages } from "@/lib/mail/messages";
import { sendMail } from "@/lib/mail/send";
import type { RequestMeta } from "@/lib/request-meta";
import { verifySecondFactor } from "@/lib/two-factor/attempts";
import type { Proof } from "@/lib/two-factor/proof";
import { hasSecondFactor } from "@/lib/two-factor/second-factor";
import { removeAllFactors } from "@/lib/two-factor/store";
import { canManage } from "./current";
import { assertCanManage, canGrant, revokeInvitationsBeyond, withAccountLocked } from "./guard";

type Tx = Prisma.TransactionClient;

/** A membership of this account (never of another), with the rules for touching owners. */
async function targetMembership(tx: Tx, actorId: string, accountId: string, membershipId: string) {
  const actor = await assertCanManage(actorId, accountId, tx);
  const target = await tx.membership.findFirst({
    where: { id: membershipId, accountId },
    select: { id: true, role: true, userId: true, user: { select: { email: true } } },
  });
  if (!target) throw new AppError(ErrorCode.notFound);
  // Admins manage members and admins; only owners can change or remove an owner.
  if (target.role === "owner" && actor.role !== "owner") throw new AppError(ErrorCode.forbidden);
  return { actor, target };
}

/**
 * The role is written into the statement, not sent as a parameter, so that every plan of it, a generic
 * one too, can read the owners' partial index (Membership_owners_idx) instead of the whole account.
 */
async function assertAnotherOwner(tx: Tx, accountId: string, leavingMembershipId: string) {
  const [{ another }] = await tx.$queryRaw<[{ another: boolean }]>`
    SELECT EXISTS (
      SELECT 1 FROM "Membership" WHERE "accountId" = ${accountId} AND "role" = 'owner' AND "id" <> ${leavingMembershipId}
    ) AS "another"`;
  if (!another) throw new AppError(ErrorCode.lastOwner);
}

/** For the audit event: the open invitations that went with the rights they were sent under. */
const revoked = (count: number): { invitationsRevoked?: number } => (count ? { invitationsRevoked: count } : {});

export async function changeRole(
  actorId: string,
  accountId: string,
  membershipId: string,
  role: Role,
  meta: RequestMeta,
) {
  const target = await withAccountLocked(accountId, async (tx) => {
    const { actor, target } = await targetMembership(tx, actorId, accountId, membershipId);
    if (!canGrant(actor.role, role)) throw new AppError(ErrorCode.forbidden);
    if (target.role === "owner" && role !== "owner") await assertAnotherOwner(tx, accountId, target.id);
    await tx.membership.update({ where: { id: target.id }, data: { role } });
    return { ...target, invitationsRevoked: await revokeInvitationsBeyond(tx, accountId, target.userId, role) };
  });
  await audit({
    type: AuditType.roleChanged,
    actorId,
    subjectId: target.userId,
    accountId,
    meta,
    details: { from: target.role, to: role, ...revoked(target.invitationsRevoked) },
  });
}

export async function removeMember(actorId: string, accountId: string, membershipId: string, meta: RequestMeta) {
  const target = await withAccountLocked(accountId, async (tx) => {
    const { target } = await targetMembership(tx, actorId, accountId, membershipId);
    if (target.role === "owner") await assertAnotherOwner(tx, accountId, target.id);
    await tx.membership.delete({ where: { id: target.id } });
    // No open invitation to them may bring them back (there should be none: see inviteMember).
    await tx.invitation.deleteMany({ where: { accountId, email: target.user.email, acceptedAt: null } });
    return { ...target, invitationsRevoked: await revokeInvitationsBeyond(tx, accountId, target.userId, null) };
  });
  await audit({
    type: AuditType.memberRemoved,
    actorId,
    subjectId: target.userId,
    accountId,
    meta,
    details: { email: target.user.email, ...revoked(target.invitationsRevoked) },
  });
}

/**
 * The accounts of `userId` where `actorId` may not act on them: not an owner or admin there, or the
 * user is an owner there and the actor is not. Reads under row locks taken by the caller.
 */
async function accountsBeyondActor(tx: Tx, actorId: string, userId: string) {
  const theirs = await tx.membership.findMany({ where: { userId }, select: { accountId: true, role: true } });
  const mine = await tx.membership.findMany({
    where: { userId: actorId, accountId: { in: theirs.map((m) => m.accountId) } },
    select: { accountId: true, role: true },
  });
  const actorRole = new Map(mine.map((m) => [m.accountId, m.role]));
  return theirs.filter(({ accountId, role }) => {
    const mineThere = actorRole.get(accountId);
    return !mineThere || !canManage(mineThere) || (role === "owner" && mineThere !== "owner");
  });
}

/** A member of this account, not the actor, whose 2FA this actor may reset here (before any lock). */
async function resettable(tx: Tx, actorId: string, accountId: string, membershipId: string) {
  const { actor, target } = await targetMembership(tx, actorId, accountId, membershipId);
  if (target.userId === actorId)
    throw new AppError(ErrorCode.forbidden, "Use your profile to change your own two-factor authentication.");
  return { actor, target };
}

async function assertHasFactor(tx: Tx, target: { userId: string; user: { email: string } }) {
  if (!(await hasSecondFactor(target.userId, tx)))
    throw new AppError(ErrorCode.notEnabled, `${target.user.email} has not set up two-factor authentication.`);
}

/**
 * For a member who lost their device: removes their authenticator and recovery codes and ends their
 * sessions. In an enforcing account they enrol again at their next sign-in.
 *
 * The authenticator belongs to the user, not to this account, so the reset reaches every account they
 * belong to. It is allowed only if the actor could do it in each of them (owner or admin there, and
 * owner where the user is an owner); otherwise it is refused and the attempt is recorded in each.
 * The actor confirms it with a fresh second factor of their own (`proof`).
 */
export async function resetMemberTwoFactor(
  actorId: string,
  accountId: string,
  membershipId: string,
  proof: Proof | undefined,
  meta: RequestMeta,
) {
  const prisma = await db();
  // The refusals that need no lock come first, so no proof (a recovery code) is spent on them.
  const early = await resettable(prisma, actorId, accountId, membershipId);
  await assertHasFactor(prisma, early.target);
  if ((await accountsBeyondActor(prisma, actorId, early.target.userId)).length)
    return refuseBeyond(actorId, early.target, meta);
  // It strips the member of every factor: the admin confirms it with a second factor of their own, as
  // stopping enforcement, so a stolen admin session cannot, and an admin without 2FA cannot at all.
  if (!(await hasSecondFactor(actorId))) throw new AppError(ErrorCode.ownTwoFactorFirst);
  if (!proof) throw new AppError(ErrorCode.secondFactorRequired);
  await verifySecondFactor(actorId, proof, meta);
  const outcome = await prisma.$transaction(async (tx) => {
    const { actor, target } = await resettable(tx, actorId, accountId, membershipId);
    // The user's row lock holds off new memberships (their foreign key check waits for it); the
    // membership locks hold off role changes of either side until the decision is applied.
    await tx.$queryRaw`SELECT id FROM "User" WHERE id = ${target.userId} FOR UPDATE`;
    await tx.$queryRaw`SELECT id FROM "Membership" WHERE "userId" IN (${target.userId}, ${actorId}) ORDER BY id FOR UPDATE`;
    // Either side removed from the account before the locks: no reset on this account's say any more.
    await assertCanManage(actorId, accountId, tx);
    if (!(await tx.membership.count({ where: { id: target.id, accountId } }))) throw new AppError(ErrorCode.notFound);
    // Nothing to reset: it would still end their sessions and mail them, as often as an admin liked.
    await assertHasFactor(tx, target);
    if ((await accountsBeyondActor(tx, actorId, target.userId)).length) return { refused: true as const, target };
    await removeAllFactors(tx, target.userId);
    return { refused: false as const, target, accountName: actor.account.name };
  });
  const { target } = outcome;
  if (outcome.refused) return refuseBeyond(actorId, target, meta);
  // No accountId: the event goes to every account the user belongs to (the actor manages each of
  // them, so naming the actor tells no account about another).
  await audit({ type: AuditType.twoFactorReset, actorId, subjectId: target.userId, meta });
  await sendMail(messages.twoFactorReset(target.user.email, outcome.accountName, meta.origin));
}

/** The member is also in an account the actor does not manage: refused, and recorded in each. */
async function refuseBeyond(actorId: string, target: { userId: string }, meta: RequestMeta): Promise<never> {
  const reason = ErrorCode.resetNeedsEveryAccount;
  await audit({
    type: AuditType.accessDenied,
    actorId,
    subjectId: target.userId,
    meta,
    details: { action: AuditType.twoFactorReset, reason },
  });
  throw new AppError(reason);
}
