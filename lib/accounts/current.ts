import "server-only";
import { cookies } from "next/headers";
import { cache } from "react";
import { db } from "@/lib/db";
import type { Role } from "@/lib/generated/prisma/enums";

export const ACCOUNT_COOKIE = "twofold.account";
export const ADMIN_ROLES: Role[] = ["owner", "admin"];

export type CurrentMembership = {
  id: string;
  role: Role;
  account: { id: string; name: string; enforceTwoFactor: boolean; graceHours: number; enforcedAt: Date | null };
};

/**
 * The account the user is working in: the one named by the account cookie if they are a member of
 * it, otherwise their oldest membership. The cookie only chooses; membership is always checked here.
 */
export const currentMembership = cache(async (userId: string): Promise<CurrentMembership | null> => {
  const prisma = await db();
  const wanted = (await cookies()).get(ACCOUNT_COOKIE)?.value;
  const memberships = await prisma.membership.findMany({
    where: { userId },
    orderBy: { createdAt: "asc" },
    select: { id: true, role: true, account: { select: { id: true, name: true, enforceTwoFactor: true, graceHours: true, enforcedAt: true } } },
  });
  return memberships.find((m) => m.account.id === wanted) ?? memberships[0] ?? null;
});

export async function listAccounts(userId: string) {
  const prisma = await db();
  const memberships = await prisma.membership.findMany({
    where: { userId },
    orderBy: { createdAt: "asc" },
    select: { role: true, account: { select: { id: true, name: true } } },
  });
  return memberships.map((m) => ({ id: m.account.id, name: m.account.name, role: m.role }));
}

export const canManage = (role: Role) => ADMIN_ROLES.includes(role);
