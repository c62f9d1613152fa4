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
  account: {
    id: string;
    name: string;
    enforceTwoFactor: boolean;
    graceHours: number;
    enforcedAt: Date | null;
    rememberDeviceDays: number;
  };
};

/** All of the user's memberships, oldest first; one query per request, shared by what follows. */
const memberships = cache(async (userId: string) => {
  const prisma = await db();
  return prisma.membership.findMany({
    where: { userId },
    orderBy: { createdAt: "asc" },
    select: {
      id: true,
      role: true,
      account: {
        select: {
          id: true,
          name: true,
          enforceTwoFactor: true,
          graceHours: true,
          enforcedAt: true,
          rememberDeviceDays: true,
        },
      },
    },
  });
});

/**
 * The account the user is working in: the one named by the account cookie if they are a member of
 * it, otherwise their oldest membership. The cookie only chooses; membership is always checked here.
 * For rendering only: another tab may switch the cookie after a page rendered, so actions and routes
 * that change or export an account name it themselves (membershipOf).
 */
export async function currentMembership(userId: string): Promise<CurrentMembership | null> {
  const wanted = (await cookies()).get(ACCOUNT_COOKIE)?.value;
  const all = await memberships(userId);
  return all.find((m) => m.account.id === wanted) ?? all[0] ?? null;
}

/**
 * The user's membership of one named account, or null if they have none there. For mutations: they name
 * the account their page showed, since the cookie may have been switched in another tab since.
 */
export async function membershipOf(userId: string, accountId: string): Promise<CurrentMembership | null> {
  return (await memberships(userId)).find((m) => m.account.id === accountId) ?? null;
}

export async function listAccounts(userId: string) {
  return (await memberships(userId)).map((m) => ({ id: m.account.id, name: m.account.name, role: m.role }));
}

export const canManage = (role: Role) => ADMIN_ROLES.includes(role);
