import "server-only";
import { db } from "@/lib/db";
import { AppError, ErrorCode } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { canManage } from "./current";

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
