import "server-only";
import { Prisma } from "@/lib/generated/prisma/client";
import { hasSecondFactorSql } from "@/lib/two-factor/second-factor";

/**
 * Who of an account's members (`m`, their user `u`) a broadcast goes to. A broadcast row stores the
 * name; the SQL is applied when the poller expands it, so the condition is read then, not when the
 * change was made (lib/mail/broadcast.ts).
 */
export const audiences = {
  // The one "has a second factor" definition (lib/two-factor/second-factor.ts), read at expansion
  // time: a member who enrolled between the switch and their batch no longer needs the nag, and one
  // who removed their factor meanwhile does.
  withoutSecondFactor: Prisma.sql`NOT ${hasSecondFactorSql}`,
  managers: Prisma.sql`m."role" IN ('owner', 'admin')`,
  others: Prisma.sql`m."role" NOT IN ('owner', 'admin')`,
} satisfies Record<string, Prisma.Sql>;

export type Audience = keyof typeof audiences;

export function isAudience(name: string): name is Audience {
  return Object.hasOwn(audiences, name);
}
