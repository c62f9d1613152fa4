import "server-only";
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
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
 * Records one security event (inside `client` when it is the transaction of the change it records). Events about a user are written to each account they belong to, so
 * every account's audit page shows what happened to its members. Never pass secrets in `details`.
 */
export async function audit(
  input: AuditInput,
  client?: Pick<Prisma.TransactionClient, "membership" | "auditEvent">,
): Promise<void> {
  const prisma = client ?? (await db());
  const subjectId = input.subjectId ?? input.actorId ?? null;
  const accountIds = input.accountId
    ? [input.accountId]
    : subjectId
      ? (await prisma.membership.findMany({ where: { userId: subjectId }, select: { accountId: true } })).map(
          (m) => m.accountId,
        )
      : [];
  const base = {
    type: input.type,
    actorId: input.actorId ?? null,
    subjectId,
    ip: input.meta?.ip ?? null,
    userAgent: input.meta?.userAgent?.slice(0, 300) ?? null,
    details: input.details ?? undefined,
  };
  await prisma.auditEvent.createMany({
    data: (accountIds.length ? accountIds : [null]).map((accountId) => ({ ...base, accountId })),
  });
  // Every security event is also a log line, so an operator's log pipeline sees it without the database.
  await log[isRefusal(input.type) ? "warn" : "info"](`audit.${input.type}`, {
    actorId: base.actorId,
    subjectId,
    accountIds,
    ip: base.ip,
    details: input.details,
  });
}
