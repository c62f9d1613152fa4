import "server-only";
import { db } from "@/lib/db";
import { AppError, ErrorCode } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { Role } from "@/lib/generated/prisma/enums";
import { canManage } from "./current";

const ALL_ROLES = Object.values(Role);

/** The actor's membership in the account, if it may manage it (owner or admin); refused otherwise. */
export async function assertCanManage(actorId: string, accountId: string, tx?: Prisma.TransactionClient) {
  const client = tx ?? (await db());
  const membership = await client.membership.findUnique({
    where: { userId_accountId: { userId: actorId, accountId } },
    select: { role: true, account: { select: { id: true, name: true } } },
  });
  if (!membership || !canManage(membership.role)) throw new AppError(ErrorCode.forbidden);
  return membership;
}

/**
 * Runs `fn` in a transaction that first locks the account's row, so reading the owners and changing
 * a role, a membership or an invitation is one step: two such changes of one account never interleave
 * (accepting an invitation takes the lock shared, lib/accounts/invitations.ts).
 */
export async function withAccountLocked<T>(
  accountId: string,
  fn: (tx: Prisma.TransactionClient) => Promise<T>,
): Promise<T> {
  const prisma = await db();
  return prisma.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "Account" WHERE id = ${accountId} FOR UPDATE`;
    return fn(tx);
  });
}

/** Whether a member of `actorRole` may give `role`, by invitation or role change: owners any, admins not owner. */
export const canGrant = (actorRole: Role, role: Role) =>
  canManage(actorRole) && (role !== "owner" || actorRole === "owner");

/** The actor's membership, if it may give `role` in the account (an owner any, an admin not owner). */
export async function assertMayGive(actorId: string, accountId: string, role: Role, tx?: Prisma.TransactionClient) {
  const actor = await assertCanManage(actorId, accountId, tx);
  if (!canGrant(actor.role, role)) throw new AppError(ErrorCode.forbidden);
  return actor;
}

/**
 * Deletes the open invitations `userId` sent in the account that their role now (null: no longer a
 * member) may not give, in the caller's transaction; returns how many. An invitation acts in its
 * sender's name, so it must not outlive their right to give its role (acceptInvitation checks again).
 */
export async function revokeInvitationsBeyond(
  tx: Prisma.TransactionClient,
  accountId: string,
  userId: string,
  role: Role | null,
): Promise<number> {
  const { count } = await tx.invitation.deleteMany({
    where: {
      accountId,
      invitedById: userId,
      acceptedAt: null,
      role: { in: ALL_ROLES.filter((given) => !role || !canGrant(role, given)) },
    },
  });
  return count;
}
