import "server-only";
import { db } from "@/lib/db";

export type TwoFactorPolicy = {
  hasAuthenticator: boolean;
  /** Accounts of the user that enforce 2FA (their switch is locked on while any does). */
  enforcedBy: { id: string; name: string; deadline: Date }[];
  /** What the sign-in asks for after the password; "enrol" also stops a signed-in user at enrolment. */
  requirement: "none" | "verify" | "enrol";
  /** Set while a grace period lets a member without 2FA sign in without it. */
  graceUntil: Date | null;
};

/** What the rule needs to know: the user's own 2FA and the accounts of theirs that enforce it. */
export type PolicyFacts = {
  totpEnabledAt: Date | null;
  enforcing: { id: string; name: string; enforcedAt: Date | null; graceHours: number }[];
};

/**
 * The one rule for "2FA required at sign-in": the user's own 2FA is on, OR any of their accounts
 * enforces it (Harness). A required user without an authenticator must enrol, unless every enforcing
 * account is still inside its grace period. Pure, so the per-request session check (which loads the
 * facts in its own query) applies exactly the rule the sign-in does.
 */
export function decideTwoFactorPolicy({ totpEnabledAt, enforcing }: PolicyFacts, now = new Date()): TwoFactorPolicy {
  const enforcedBy = enforcing.map((account) => ({
    id: account.id,
    name: account.name,
    deadline: new Date((account.enforcedAt ?? now).getTime() + account.graceHours * 3_600_000),
  }));
  const hasAuthenticator = totpEnabledAt !== null;
  if (hasAuthenticator) return { hasAuthenticator, enforcedBy, requirement: "verify", graceUntil: null };
  if (!enforcedBy.length) return { hasAuthenticator, enforcedBy, requirement: "none", graceUntil: null };
  const earliest = new Date(Math.min(...enforcedBy.map((a) => a.deadline.getTime())));
  return earliest > now
    ? { hasAuthenticator, enforcedBy, requirement: "none", graceUntil: earliest }
    : { hasAuthenticator, enforcedBy, requirement: "enrol", graceUntil: null };
}

export async function twoFactorPolicy(userId: string, now = new Date()): Promise<TwoFactorPolicy> {
  const prisma = await db();
  const user = await prisma.user.findUniqueOrThrow({
    where: { id: userId },
    select: {
      totpEnabledAt: true,
      memberships: {
        where: { account: { enforceTwoFactor: true } },
        select: { account: { select: { id: true, name: true, enforcedAt: true, graceHours: true } } },
      },
    },
  });
  return decideTwoFactorPolicy(
    { totpEnabledAt: user.totpEnabledAt, enforcing: user.memberships.map((m) => m.account) },
    now,
  );
}
