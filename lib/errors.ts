// Error codes shared by server and client, so the UI never matches on message text.
export const ErrorCode = {
  invalidInput: "invalid_input",
  invalidCredentials: "invalid_credentials",
  rateLimited: "rate_limited",
  emailTaken: "email_taken",
  wrongPassword: "wrong_password",
  passwordRequired: "password_required",
  secondFactorRequired: "second_factor_required",
  invalidLink: "invalid_link",
  notSignedIn: "not_signed_in",
  enrolmentRequired: "enrolment_required",
  challengeExpired: "challenge_expired",
  invalidCode: "invalid_code",
  codeAlreadyUsed: "code_already_used",
  secondFactorLocked: "second_factor_locked",
  enrolmentExpired: "enrolment_expired",
  alreadyEnabled: "already_enabled",
  notEnabled: "not_enabled",
  enforcedByAccount: "enforced_by_account",
  forbidden: "forbidden",
  ownTwoFactorFirst: "own_two_factor_first",
  alreadyEnforced: "already_enforced",
  notEnforced: "not_enforced",
  lastOwner: "last_owner",
  resetNeedsEveryAccount: "reset_needs_every_account",
  notFound: "not_found",
  sessionNotFound: "session_not_found",
  deviceNotFound: "device_not_found",
  alreadyMember: "already_member",
  unexpected: "unexpected",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** What the UI says when something failed that it cannot explain (small, for /login's first load). */
export const UNEXPECTED_MESSAGE = "Something went wrong. Please try again.";

export const errorMessages: Record<ErrorCode, string> = {
  invalid_input: "Please check the highlighted fields.",
  invalid_credentials: "That email and password don't match an account.",
  rate_limited: "Too many attempts. Please wait and try again later.",
  email_taken: "An account with that email already exists. Sign in instead, or reset your password.",
  wrong_password: "Your current password is not correct.",
  password_required: "Confirm your password first: you signed in a while ago.",
  second_factor_required:
    "Confirm it's you with a second factor you already have (a code, a recovery code or a security key) first.",
  invalid_link: "This link is invalid, has expired or was already used. Ask for a new one.",
  not_signed_in: "Your session has ended. Please sign in again.",
  enrolment_required: "An account you belong to requires two-factor authentication. Set it up to continue.",
  challenge_expired: "This sign-in attempt has expired or had too many wrong codes. Please sign in again.",
  invalid_code: "That code is not correct.",
  code_already_used: "That code was already used. Wait for the next code in your authenticator app.",
  second_factor_locked: "Too many wrong codes. Two-factor sign-in is locked for a while.",
  enrolment_expired: "This setup has expired. Close the dialog and start again.",
  already_enabled: "Two-factor authentication is already on.",
  not_enabled: "Two-factor authentication is not on.",
  enforced_by_account: "An account you belong to requires two-factor authentication, so it cannot be turned off.",
  forbidden: "You are not allowed to do that in this account.",
  own_two_factor_first: "Protect your own login first: turn on two-factor authentication in your profile.",
  already_enforced: "Two-factor authentication is already enforced for this account.",
  not_enforced: "Two-factor authentication is not enforced for this account.",
  last_owner: "An account always keeps at least one owner.",
  reset_needs_every_account:
    "This person also belongs to an account you don't manage, and a reset would affect it too. They can sign in with a recovery code " +
    "and set up two-factor authentication again in their profile; otherwise ask someone who is an owner or admin of every account " +
    "they belong to (an owner, where they are an owner).",
  not_found: "That member or invitation no longer exists.",
  session_not_found: "That session has already ended, or is not one of your other sessions. Nothing was changed.",
  device_not_found:
    "That device is not one of your remembered devices (or was already forgotten). Nothing was changed.",
  already_member: "That person is already a member of this account.",
  unexpected: UNEXPECTED_MESSAGE,
};

/** An expected failure with a code the UI understands; anything else is logged and shown generically. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message = errorMessages[code],
    readonly details?: Record<string, string | number>,
  ) {
    super(message);
  }
}
