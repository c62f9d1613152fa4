import "server-only";
import { db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { countingFactors, factors } from "./factors";
import type { FactorKind } from "./proof";

// "Has a second factor" is defined here once, from the registry: any factor that counts (an
// authenticator app; a security key next). Nothing else in the app reads a factor's columns for it.

export const withSecondFactor: Prisma.UserWhereInput = { OR: countingFactors.map((f) => f.enrolled.where) };

/** The same as a SQL condition on a user row aliased `u`, for raw queries. */
export const hasSecondFactorSql = Prisma.sql`(${Prisma.join(
  countingFactors.map((f) => f.enrolled.sql),
  " OR ",
)})`;

type UserClient = Pick<Prisma.TransactionClient, "user">;

export async function hasSecondFactor(userId: string, client?: UserClient): Promise<boolean> {
  const prisma = client ?? (await db());
  return (await prisma.user.count({ where: { id: userId, ...withSecondFactor } })) === 1;
}

/** Which counting factors each of the given users has (none: no 2FA), one query per factor kind. */
export async function secondFactorsOf(userIds: string[], client?: UserClient): Promise<Map<string, FactorKind[]>> {
  const prisma = client ?? (await db());
  const found = new Map<string, FactorKind[]>(userIds.map((id) => [id, []]));
  if (!userIds.length) return found;
  for (const factor of countingFactors) {
    const rows = await prisma.user.findMany({
      where: { id: { in: userIds }, ...factor.enrolled.where },
      select: { id: true },
    });
    for (const { id } of rows) found.get(id)?.push(factor.kind);
  }
  return found;
}

/** The counting factors a user row aliased `u` has, as a text[] column: the input of `kindsToOffer`. */
export const ownFactorKindsSql = Prisma.sql`ARRAY_REMOVE(ARRAY[${Prisma.join(
  countingFactors.map((f) => Prisma.sql`CASE WHEN ${f.enrolled.sql} THEN ${f.kind}::text END`),
)}]::text[], NULL)`;

/**
 * What a prompt for a fresh second factor offers a user with these factors, in order: their own, those
 * with a server-side ceremony (a security key) first, then the backups every user with 2FA has
 * (recovery codes). None for a user without 2FA.
 */
export function kindsToOffer(own: FactorKind[]): FactorKind[] {
  if (!own.length) return [];
  const backups = Object.values(factors).flatMap((f) => (f.enrolled ? [] : [f.kind as FactorKind]));
  const first = own.filter((kind) => factors[kind].options);
  return [...first, ...own.filter((kind) => !first.includes(kind)), ...backups];
}

export async function factorKindsToOffer(userId: string): Promise<FactorKind[]> {
  return kindsToOffer((await secondFactorsOf([userId])).get(userId) ?? []);
}
