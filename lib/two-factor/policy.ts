import "server-only";
import { db } from "@/lib/db";
import type { FactorKind, Requirement } from "./proof";
import { Prisma } from "@/lib/generated/prisma/client";
import { hasSecondFactorSql, kindsToOffer, ownFactorKindsSql } from "./second-factor";

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
  /**
   * `joinedAt`: when the user's membership of that account began, or, if later, when they were last
   * left without any factor (an admin's Reset 2FA): either way enforcement did not find them so.
   */
  enforcing: { id: string; name: string; enforcedAt: Date | null; graceHours: number; joinedAt: Date }[];
};

/**
 * The one rule for "2FA required at sign-in": the user has a second factor, OR any of their accounts
 * enforces it (Harness). A required user without one must enrol, unless every enforcing account is
 * still inside its grace period. A grace period is for the members enforcement found without 2FA:
 * whoever joins the account after it was switched on enrols as part of joining (SPEC, "Sign-up and
 * invitations"), and so does a member whose factors were reset since (their phone may be in the wrong
 * hands, and with it the password alone would sign in for the rest of the grace).
 * Pure, so the per-request session check (which loads the facts in its own query) applies exactly the
 * rule the sign-in does.
 */
export function decideTwoFactorPolicy(facts: PolicyFacts, now = new Date()): TwoFactorPolicy {
  const { hasSecondFactor } = facts;
  const enforcedBy = facts.enforcing.map((account) => {
    const since = account.enforcedAt ?? now;
    const graceHours = account.joinedAt > since ? 0 : account.graceHours;
    return { id: account.id, name: account.name, deadline: new Date(since.getTime() + graceHours * 3_600_000) };
  });
  if (hasSecondFactor) return { hasSecondFactor, enforcedBy, requirement: "verify", graceUntil: null };
  if (!enforcedBy.length) return { hasSecondFactor, enforcedBy, requirement: "none", graceUntil: null };
  const earliest = new Date(Math.min(...enforcedBy.map((a) => a.deadline.getTime())));
  return earliest > now
    ? { hasSecondFactor, enforcedBy, requirement: "none", graceUntil: earliest }
    : { hasSecondFactor, enforcedBy, requirement: "enrol", graceUntil: null };
}

/**
 * The rule's facts as SQL on a user row aliased `u`: "hasSecondFactor", and "enforcing", the user's
 * accounts that enforce 2FA as JSON (with each one's remember-device days). Shared by the sign-in and
 * the per-request session check (lib/auth/session-record), so both read the same facts in one query.
 */
export const policyFactsSql = Prisma.sql`${hasSecondFactorSql} AS "hasSecondFactor", COALESCE((
    SELECT json_agg(json_build_object('id', a."id", 'name', a."name", 'enforcedAt', a."enforcedAt",
      'graceHours', a."graceHours", 'joinedAt', GREATEST(m."createdAt", u."factorsResetAt"),
      'rememberDeviceDays', a."rememberDeviceDays")
      ORDER BY a."name")
    FROM "Membership" m JOIN "Account" a ON a."id" = m."accountId"
    WHERE m."userId" = u."id" AND a."enforceTwoFactor"
  ), '[]'::json) AS "enforcing"`;

type Enforcing = {
  id: string;
  name: string;
  enforcedAt: string | null;
  graceHours: number;
  joinedAt: string;
  rememberDeviceDays: number;
};
export type PolicyFactsRow = { hasSecondFactor: boolean; enforcing: string | Enforcing[] };

/** PolicyFacts from policyFactsSql's columns, and the remember-device days of the enforcing accounts. */
export function readPolicyFacts(row: PolicyFactsRow): PolicyFacts & { rememberDeviceDays: number[] } {
  const enforcing = typeof row.enforcing === "string" ? (JSON.parse(row.enforcing) as Enforcing[]) : row.enforcing;
  return {
    hasSecondFactor: row.hasSecondFactor,
    enforcing: enforcing.map((a) => ({
      id: a.id,
      name: a.name,
      enforcedAt: a.enforcedAt ? new Date(a.enforcedAt) : null,
      graceHours: a.graceHours,
      joinedAt: new Date(a.joinedAt),
    })),
    rememberDeviceDays: enforcing.map((a) => a.rememberDeviceDays),
  };
}

/**
 * The user's session version, the rule's facts and the second factor kinds a prompt would offer them
 * (kindsToOffer), in one query; null for no such user.
 */
export async function policyFactsOf(userId: string) {
  const prisma = await db();
  const [row] = await prisma.$queryRaw<(PolicyFactsRow & { sessionVersion: number; ownKinds: FactorKind[] })[]>`
    SELECT u."sessionVersion", ${policyFactsSql}, ${ownFactorKindsSql} AS "ownKinds" FROM "User" u WHERE u."id" = ${userId}`;
  return row
    ? { sessionVersion: Number(row.sessionVersion), kinds: kindsToOffer(row.ownKinds), ...readPolicyFacts(row) }
    : null;
}

export async function twoFactorPolicy(userId: string, now = new Date()): Promise<TwoFactorPolicy> {
  const facts = await policyFactsOf(userId);
  if (!facts) throw new Error(`No user ${userId}.`);
  return decideTwoFactorPolicy(facts, now);
}

/**
 * The locks a change of the user's own factors takes, in its transaction, before it writes: the
 * user's row (two changes at once cannot both think another factor remains), then the rows of all
 * their accounts, share-locked. Returns whether one of those accounts enforces 2FA. Turning
 * enforcement on holds its account's row for update and checks under it, so the two never pass each
 * other. Every account row is locked, not only enforcing ones: a row being switched on still reads
 * "off" until then. Accounts come before what the factor writes, whose trigger locks the user's
 * memberships (member_facts) that an admin's change writes after the account's row: one lock order.
 */
export async function lockForFactorChange(
  tx: Prisma.TransactionClient,
  userId: string,
): Promise<{ enforced: boolean }> {
  await tx.$queryRaw`SELECT id FROM "User" WHERE id = ${userId} FOR UPDATE`;
  const rows = await tx.$queryRaw<{ enforced: boolean }[]>`
    SELECT a."enforceTwoFactor" AS "enforced" FROM "Account" AS a
    JOIN "Membership" AS m ON m."accountId" = a."id"
    WHERE m."userId" = ${userId} ORDER BY a."id" FOR SHARE OF a`;
  return { enforced: rows.some((row) => row.enforced) };
}
