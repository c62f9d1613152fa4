// Audit events in words for people reading the log; the identifier stays for filtering and export.
import { AuditType } from "@/lib/audit";
import { ErrorCode } from "@/lib/errors";
import { proofName, proofNames } from "@/lib/two-factor/proof";

type Details = Record<string, unknown> | null;
type Describe = { title: string; sentence?: (d: Record<string, unknown>) => string | null };

const plural = (n: unknown, one: string, many = `${one}s`) => `${n} ${Number(n) === 1 ? one : many}`;
const method = (d: Record<string, unknown>) => {
  const name = proofName(d.method);
  return name ? `confirmed with ${name.withArticle}` : null;
};
/** The open invitations a removal or role change took with it (they acted in the member's name). */
const invitationsRevoked = (d: Record<string, unknown>) =>
  d.invitationsRevoked ? `; ${plural(d.invitationsRevoked, "invitation")} they sent revoked` : "";
const keyName = (d: Record<string, unknown>) => (typeof d.name === "string" ? `"${d.name}"` : "A security key");

/** Every event type has words: the Record makes the type checker hold this list complete. */
const words: Record<AuditType, Describe> = {
  [AuditType.signIn]: { title: "Signed in" },
  [AuditType.signInRememberedDevice]: {
    title: "Second factor skipped on a remembered device",
    sentence: (d) => (d.browser ? `${d.browser}${d.ip ? ` at ${d.ip}` : ""}` : null),
  },
  [AuditType.deviceRemembered]: {
    title: "Device remembered",
    sentence: (d) => (d.days !== undefined ? `No second factor asked on it for ${plural(d.days, "day")}` : null),
  },
  [AuditType.deviceForgotten]: {
    title: "Remembered device forgotten",
    sentence: (d) => (d.browser ? `${d.browser}${d.ip ? ` at ${d.ip}` : ""}` : null),
  },
  [AuditType.devicesForgotten]: {
    title: "All remembered devices forgotten",
    sentence: (d) => (d.count !== undefined ? `${plural(d.count, "device")} forgotten` : null),
  },
  [AuditType.signInFailed]: {
    title: "Sign-in failed",
    sentence: (d) => (d.email ? `Wrong email or password for ${d.email}` : null),
  },
  [AuditType.signInRateLimited]: {
    title: "Sign-in rate limited",
    sentence: (d) => (d.email ? `Too many attempts for ${d.email}` : null),
  },
  [AuditType.signUp]: { title: "Signed up" },
  [AuditType.signUpExistingEmail]: {
    title: "Sign-up tried with this member's email",
    sentence: () =>
      "Someone tried to create a new account with this address; the member was emailed and nothing changed",
  },
  [AuditType.passwordChanged]: { title: "Password changed" },
  [AuditType.sessionRevoked]: {
    title: "Signed out another session",
    sentence: (d) => (d.browser ? `${d.browser}${d.ip ? ` at ${d.ip}` : ""}` : null),
  },
  [AuditType.sessionsRevokedOthers]: {
    title: "Signed out other sessions",
    sentence: (d) =>
      d.count === undefined
        ? null
        : `${plural(d.count, "session")} ended${d.resetLinks ? `, and ${plural(d.resetLinks, "password-reset link")}` : ""}`,
  },
  [AuditType.passwordChangeFailed]: {
    title: "Wrong current password when changing it",
    sentence: (d) => (d.failuresInWindow ? `${d.failuresInWindow} in 15 minutes` : null),
  },
  [AuditType.passwordChangeLocked]: {
    title: "Password change locked",
    sentence: (d) =>
      typeof d.until === "string" ? `Locked until ${d.until.replace("T", " ").slice(0, 16)} UTC` : null,
  },
  [AuditType.passwordResetRequested]: { title: "Password reset requested" },
  [AuditType.passwordReset]: { title: "Password reset by email link" },
  [AuditType.twoFactorEnabled]: { title: "Two-factor authentication turned on" },
  [AuditType.twoFactorDisabled]: { title: "Two-factor authentication turned off", sentence: method },
  [AuditType.authenticatorAdded]: { title: "Authenticator app added", sentence: method },
  [AuditType.authenticatorRemoved]: { title: "Authenticator app removed", sentence: method },
  [AuditType.twoFactorFailed]: {
    title: "Wrong second factor",
    sentence: (d) =>
      [
        d.method === "webauthn"
          ? "A security key that was not accepted"
          : `A wrong ${(proofName(d.method) ?? proofNames.totp).noun}`,
        d.failuresInWindow ? `${d.failuresInWindow} in 15 minutes` : null,
      ]
        .filter(Boolean)
        .join(", "),
  },
  [AuditType.twoFactorReplay]: {
    title: "Used code refused",
    sentence: (d) =>
      d.method === "webauthn"
        ? "A security key's answer was sent again, or for another sign-in than it was made for"
        : "A code that was already accepted was sent again",
  },
  [AuditType.twoFactorLockout]: {
    title: "Two-factor sign-in locked",
    sentence: (d) =>
      typeof d.until === "string" ? `Locked until ${d.until.replace("T", " ").slice(0, 16)} UTC` : null,
  },
  [AuditType.challengeExhausted]: { title: "Sign-in ended after 5 wrong codes" },
  [AuditType.recoveryCodesGenerated]: {
    title: "Recovery codes generated",
    sentence: (d) => (d.count !== undefined ? `${plural(d.count, "recovery code")} generated` : null),
  },
  [AuditType.recoveryCodeUsed]: {
    title: "Recovery code used",
    sentence: (d) => (d.remaining !== undefined ? `${plural(d.remaining, "code")} left` : null),
  },
  [AuditType.twoFactorReset]: { title: "Two-factor authentication reset by an admin" },
  [AuditType.enforcementOn]: {
    title: "Two-factor authentication enforced",
    sentence: (d) =>
      [
        d.graceHours ? `grace period ${plural(d.graceHours, "hour")}` : "no grace period",
        d.membersWithout2fa !== undefined ? `${plural(d.membersWithout2fa, "member")} without 2FA emailed` : null,
      ]
        .filter(Boolean)
        .join("; "),
  },
  [AuditType.enforcementOff]: {
    title: "Enforcement turned off",
    sentence: (d) =>
      [
        method(d),
        d.graceHours !== undefined
          ? d.graceHours
            ? `grace period of ${plural(d.graceHours, "hour")} was in force`
            : "no grace period was in force"
          : null,
        d.members !== undefined ? `${d.membersProtected} of ${plural(d.members, "member")} protected` : null,
      ]
        .filter(Boolean)
        .join("; "),
  },
  [AuditType.graceSet]: {
    title: "Grace period set",
    sentence: (d) => (d.graceHours !== undefined ? `${plural(d.graceHours, "hour")} to enrol` : null),
  },
  [AuditType.rememberDaysSet]: {
    title: "Remembered devices setting changed",
    sentence: (d) =>
      d.days === undefined
        ? null
        : d.days === 0
          ? "Members must always enter a second factor"
          : [`Members may skip the second factor on a remembered device for ${plural(d.days, "day")}`, method(d)]
              .filter(Boolean)
              .join(", "),
  },
  [AuditType.invitationSent]: {
    title: "Invitation sent",
    sentence: (d) =>
      d.email ? `${d.resend ? "Sent again to" : "To"} ${d.email}${d.role ? ` as ${d.role}` : ""}` : null,
  },
  [AuditType.invitationRateLimited]: { title: "Invitation refused: too many sent in an hour" },
  [AuditType.invitationRevoked]: { title: "Invitation revoked" },
  [AuditType.invitationAccepted]: {
    title: "Invitation accepted",
    sentence: (d) => (d.role ? `Joined as ${d.role}` : null),
  },
  [AuditType.roleChanged]: {
    title: "Role changed",
    sentence: (d) => (d.from && d.to ? `From ${d.from} to ${d.to}${invitationsRevoked(d)}` : null),
  },
  [AuditType.memberRemoved]: {
    title: "Member removed",
    sentence: (d) => (d.email ? `${d.email} removed${invitationsRevoked(d)}` : null),
  },
  [AuditType.accessDenied]: {
    title: "Action refused",
    sentence: (d) =>
      d.reason === ErrorCode.resetNeedsEveryAccount
        ? "Reset of two-factor authentication refused: they also belong to an account the admin does not manage"
        : d.reason
          ? `Reason: ${String(d.reason).replace(/_/g, " ")}`
          : null,
  },
  [AuditType.mailFailing]: {
    title: "Email keeps failing",
    sentence: (d) =>
      `"${d.subject}"${d.to ? ` to ${d.to}` : ""} not delivered after ${d.attempts} attempts (${d.error}); still retrying`,
  },
  [AuditType.mailGivenUp]: {
    title: "Email not delivered",
    sentence: (d) => `"${d.subject}"${d.to ? ` to ${d.to}` : ""} given up after ${d.attempts} attempts (${d.error})`,
  },
  [AuditType.webAuthnAdded]: {
    title: "Security key added",
    sentence: (d) => [`${keyName(d)} registered`, method(d)].filter(Boolean).join(", "),
  },
  [AuditType.webAuthnRenamed]: {
    title: "Security key renamed",
    sentence: (d) => (typeof d.from === "string" && d.name ? `From "${d.from}" to ${keyName(d)}` : null),
  },
  [AuditType.webAuthnRemoved]: {
    title: "Security key removed",
    sentence: (d) => [`${keyName(d)} removed`, method(d)].filter(Boolean).join(", "),
  },
  [AuditType.webAuthnUsed]: {
    title: "Security key used",
    sentence: (d) => `${keyName(d)} ${d.purpose === "confirm" ? "confirmed a change" : "used to sign in"}`,
  },
  [AuditType.webAuthnCounterRegression]: {
    title: "Security key refused: its signature counter went back",
    sentence: (d) =>
      `${keyName(d)} signed with counter ${d.counter} after ${d.stored} was seen: it may have been copied`,
  },
};

export function auditTitle(type: string): string {
  return (words as Record<string, Describe | undefined>)[type]?.title ?? type;
}

/** A title, and a sentence from the details when they say more than the title does. */
export function describeAuditEvent(type: string, details: Details): { title: string; sentence: string | null } {
  const entry = (words as Record<string, Describe | undefined>)[type];
  return { title: entry?.title ?? type, sentence: (details && entry?.sentence?.(details)) || null };
}
