import "server-only";
import { db } from "@/lib/db";
import { AppError, ErrorCode } from "@/lib/errors";
import { canManage } from "./current";

/** The actor's membership in the account, if it may manage it (owner or admin); refused otherwise. */
export async function assertCanManage(actorId: string, accountId: string) {
  const prisma = await db();
  const membership = await prisma.membership.findUnique({
    where: { userId_accountId: { userId: actorId, accountId } },
    select: { role: true, account: { select: { id: true, name: true } } },
  });
  if (!membership || !canManage(membership.role)) throw new AppError(ErrorCode.forbidden);
  return membership;
}
