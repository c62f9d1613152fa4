import "server-only";
import { db } from "@/lib/db";
import type { Requirement } from "./proof";
import { hasSecondFactor } from "./second-factor";

export type TwoFactorPolicy = {
  hasSecondFactor: boolean;
  /** Accounts of the user that enforce 2FA (their switch is locked on while any does). */
  enforcedBy: { id: string; name: string; deadline: Date }[];
  /** What the sign-in asks for after the password; "enrol" also stops a signed-in user at enrolment. */
  requirement: Requirement;
  /** Set while a grace period lets a member without 2FA sign in without it. */
  graceUntil: Date | null;
};

/** What the rule needs to know: whether the user has a second factor, and their accounts that enforce 2FA. */
export type PolicyFacts = {
  hasSecondFactor: boolean;
  enforcing: { id: string; name: string; enforcedAt: Date | null; graceHours: number }[];
};

/**
 * The one rule for "2FA required at sign-in": the user has a second factor, OR any of their accounts
 * enforces it (Harness). A required user without one must enrol, unless every enforcing account is
 * still inside its grace period. Pure, so the per-request session check (which loads the facts in its
 * own query) applies exactly the rule the sign-in does.
 */
export function decideTwoFactorPolicy(facts: PolicyFacts, now = new Date()): TwoFactorPolicy {
  const { hasSecondFactor } = facts;
  const enforcedBy = facts.enforcing.map((account) => ({
    id: account.id,
    name: account.name,
    deadline: new Date((account.enforcedAt ?? now).getTime() + account.graceHours * 3_600_000),
  }));
  if (hasSecondFactor) return { hasSecondFactor, enforcedBy, requirement: "verify", graceUntil: null };
  if (!enforcedBy.length) return { hasSecondFactor, enforcedBy, requirement: "none", graceUntil: null };
  const earliest = new Date(Math.min(...enforcedBy.map((a) => a.deadline.getTime())));
  return earliest > now
    ? { hasSecondFactor, enforcedBy, requirement: "none", graceUntil: earliest }
    : { hasSecondFactor, enforcedBy, requirement: "enrol", graceUntil: null };
}

export async function twoFactorPolicy(userId: string, now = new Date()): Promise<TwoFactorPolicy> {
  const prisma = await db();
  const [user, has] = await Promise.all([
    prisma.user.findUniqueOrThrow({
      where: { id: userId },
      select: {
        memberships: {
          where: { account: { enforceTwoFactor: true } },
          select: { account: { select: { id: true, name: true, enforcedAt: true, graceHours: true } } },
        },
      },
    }),
    hasSecondFactor(userId, prisma),
  ]);
  return decideTwoFactorPolicy({ hasSecondFactor: has, enforcing: user.memberships.map((m) => m.account) }, now);
}
