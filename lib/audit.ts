import "server-only";
import { randomBytes } from "node:crypto";
import { db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { log } from "@/lib/log";
import type { RequestMeta } from "@/lib/request-meta";

export const AuditType = {
  signIn: "sign_in",
  signInRememberedDevice: "sign_in.remembered_device",
  deviceRemembered: "device.remembered",
  deviceForgotten: "device.forgotten",
  devicesForgotten: "device.forgotten_all",
  signInFailed: "sign_in.failed",
  signInRateLimited: "sign_in.rate_limited",
  signUp: "sign_up",
  signUpExistingEmail: "sign_up.existing_email",
  passwordChanged: "password.changed",
  sessionRevoked: "session.revoked",
  sessionsRevokedOthers: "session.revoked_others",
  passwordChangeFailed: "password.change_failed",
  passwordChangeLocked: "password.change_locked",
  passwordResetRequested: "password.reset_requested",
  passwordReset: "password.reset",
  twoFactorEnabled: "two_factor.enabled",
  twoFactorDisabled: "two_factor.disabled",
  authenticatorAdded: "two_factor.authenticator_added",
  authenticatorRemoved: "two_factor.authenticator_removed",
  twoFactorFailed: "two_factor.failed",
  twoFactorReplay: "two_factor.replay",
  twoFactorLockout: "two_factor.lockout",
  challengeExhausted: "two_factor.challenge_exhausted",
  recoveryCodesGenerated: "recovery_codes.generated",
  recoveryCodeUsed: "recovery_code.used",
  twoFactorReset: "two_factor.reset",
  enforcementOn: "enforcement.on",
  enforcementOff: "enforcement.off",
  graceSet: "enforcement.grace_set",
  rememberDaysSet: "enforcement.remember_days",
  invitationSent: "invitation.sent",
  invitationRateLimited: "invitation.rate_limited",
  invitationRevoked: "invitation.revoked",
  invitationAccepted: "invitation.accepted",
  roleChanged: "member.role_changed",
  memberRemoved: "member.removed",
  accessDenied: "access.denied",
  mailFailing: "mail.failing",
  mailGivenUp: "mail.given_up",
  webAuthnAdded: "webauthn.added",
  webAuthnRenamed: "webauthn.renamed",
  webAuthnRemoved: "webauthn.removed",
  webAuthnUsed: "webauthn.used",
  webAuthnCounterRegression: "webauthn.counter_regression",
} as const;
export type AuditType = (typeof AuditType)[keyof typeof AuditType];

/** Refused or failed security actions: logged as warnings, for alerting on top of the audit log. */
const REFUSED: ReadonlySet<AuditType> = new Set([
  AuditType.signInFailed,
  AuditType.signInRateLimited,
  AuditType.passwordChangeFailed,
  AuditType.passwordChangeLocked,
  AuditType.twoFactorFailed,
  AuditType.twoFactorReplay,
  AuditType.twoFactorLockout,
  AuditType.challengeExhausted,
  AuditType.invitationRateLimited,
  AuditType.accessDenied,
  AuditType.mailFailing,
  AuditType.mailGivenUp,
  AuditType.webAuthnCounterRegression,
]);

export const isRefusal = (type: AuditType) => REFUSED.has(type);

export type AuditInput = {
  type: AuditType;
  actorId?: string | null;
  subjectId?: string | null;
  accountId?: string | null;
  details?: Record<string, string | number | boolean | null>;
  meta?: RequestMeta;
};

/**
 * Records one security event (inside `client` when it is the transaction of the change it records).
 * Events about a user are written to each account they belong to, so every account's audit page shows
 * what happened to its members. Never pass secrets in `details`.
 * One statement (auditInsertSql): the accounts are read by the INSERT itself.
 */
export async function audit(input: AuditInput, client?: Pick<Prisma.TransactionClient, "$queryRaw">): Promise<void> {
  const prisma = client ?? (await db());
  const rows = await prisma.$queryRaw<{ accountId: string | null }[]>(auditInsertSql(input));
  await logAudit(
    input,
    rows.map((row) => row.accountId).filter((id): id is string => id !== null),
  );
}

// jsonb refuses the escape of half a surrogate pair ("\ud83d"): a detail cut mid-emoji (an SMTP error
// shortened to 200 UTF-16 units) would lose the event, and fail whatever wrote it. U+FFFD stands in.
const wellFormed = (_key: string, value: unknown) => (typeof value === "string" ? value.toWellFormed() : value);

/**
 * audit()'s INSERT, for a larger statement (a CTE): one row per account of the subject (or the given
 * account; one row without an account when there is none), only if `onlyIf` holds. `details` may be
 * SQL (a jsonb expression) when a value is known only inside the statement. Returns "accountId".
 */
export function auditInsertSql(
  input: Omit<AuditInput, "details"> & { details?: AuditInput["details"] | Prisma.Sql },
  onlyIf: Prisma.Sql = Prisma.sql`true`,
): Prisma.Sql {
  const subjectId = input.subjectId ?? input.actorId ?? null;
  const accounts = input.accountId
    ? Prisma.sql`SELECT ${input.accountId}::text AS "accountId"`
    : subjectId
      ? Prisma.sql`SELECT m."accountId" FROM "Membership" m WHERE m."userId" = ${subjectId}
          UNION ALL SELECT NULL WHERE NOT EXISTS (SELECT 1 FROM "Membership" m WHERE m."userId" = ${subjectId})`
      : Prisma.sql`SELECT NULL::text AS "accountId"`;
  const details =
    input.details instanceof Prisma.Sql
      ? input.details
      : input.details
        ? Prisma.sql`${JSON.stringify(input.details, wellFormed)}::jsonb`
        : Prisma.sql`NULL`;
  return Prisma.sql`
    INSERT INTO "AuditEvent" ("id", "accountId", "actorId", "subjectId", "type", "ip", "userAgent", "details", "createdAt")
    SELECT ${eventId()} || lpad((row_number() OVER ())::text, 2, '0'), a."accountId", ${input.actorId ?? null}::text, ${subjectId}::text, ${input.type}::text,
      ${input.meta?.ip ?? null}::text, ${input.meta?.userAgent?.slice(0, 300) ?? null}::text, ${details}, now()
    FROM (${accounts}) AS a WHERE ${onlyIf}
    RETURNING "accountId"`;
}

let counter = 0;

/**
 * Ids that sort like the cuids Prisma gave events before ("c", the time, a counter): the audit page
 * orders by (createdAt, id), so two events of one request in the same millisecond keep their order.
 */
function eventId(): string {
  counter = (counter + 1) % 36 ** 4;
  const random = randomBytes(5).toString("hex");
  return `c${Date.now().toString(36).padStart(8, "0")}${counter.toString(36).padStart(4, "0")}${random}`;
}

/** Every security event is also a log line, so an operator's log pipeline sees it without the database. */
export async function logAudit(
  input: Omit<AuditInput, "details"> & { details?: Record<string, unknown> },
  accountIds: string[],
) {
  await log[isRefusal(input.type) ? "warn" : "info"](`audit.${input.type}`, {
    actorId: input.actorId ?? null,
    subjectId: input.subjectId ?? input.actorId ?? null,
    accountIds,
    ip: input.meta?.ip ?? null,
    details: input.details,
  });
}
