// Every email Twofold sends. None carries a secret, a QR code or a code: only facts and links.
import { env } from "@/lib/env";
import type { Mail } from "./send";

/** A message that reads the same for every member it goes to (lib/mail/broadcast.ts). */
export type MemberMail = Omit<Mail, "to">;

function link(path: string, origin?: string): string {
  return `${origin ?? env().appUrl ?? "http://localhost:3000"}${path}`; // callers pass the request's origin
}

const footer = (origin?: string) =>
  `\n\nIf this wasn't you, reset your password at ${link("/forgot-password", origin)} and tell your account administrator.`;

export const messages = {
  passwordReset: (to: string, token: string, origin?: string): Mail => ({
    to,
    subject: `Reset your ${env().appName} password`,
    text:
      `Someone asked to reset the password for ${to}.\n\n` +
      `Choose a new password here (the link works once and expires in 30 minutes):\n${link(`/reset-password/${token}`, origin)}\n\n` +
      `If you did not ask for this, ignore this email; your password stays as it is.`,
  }),
  signupVerification: (to: string, token: string, origin?: string): Mail => ({
    to,
    subject: `Confirm your email for ${env().appName}`,
    text:
      `Someone asked to create a ${env().appName} account for ${to}.\n\n` +
      `To finish, open this link and enter the password you chose (the link works once and expires in 24 hours):\n` +
      `${link(`/signup/verify/${token}`, origin)}\n\n` +
      `If this wasn't you, ignore this email: no account is created without this link and that password.`,
  }),
  signupExistingAccount: (to: string, origin?: string): Mail => ({
    to,
    subject: `Someone tried to sign up with your email`,
    text:
      `Someone tried to create a new ${env().appName} account with ${to}, which already has one. Nothing was changed.\n\n` +
      `If it was you, sign in at ${link("/login", origin)}\n` +
      `Forgot your password? Choose a new one at ${link("/forgot-password", origin)}\n\n` +
      `If it wasn't you, you can ignore this email: your account, password and sessions stay as they are.`,
  }),
  passwordChanged: (to: string, origin?: string): Mail => ({
    to,
    subject: `Your ${env().appName} password was changed`,
    text: `The password for ${to} was just changed, and your other sessions were signed out.${footer(origin)}`,
  }),
  twoFactorEnabled: (to: string, origin?: string): Mail => ({
    to,
    subject: `Two-factor authentication is on`,
    text: `Two-factor authentication was turned on for ${to}. Each sign-in now asks for a code from your authenticator app. Keep your recovery codes somewhere safe.${footer(origin)}`,
  }),
  twoFactorDisabled: (to: string, origin?: string): Mail => ({
    to,
    subject: `Two-factor authentication is off`,
    text: `Two-factor authentication was turned off for ${to}, and your other sessions were signed out.${footer(origin)}`,
  }),
  authenticatorRemoved: (to: string, lastFactor: boolean, origin?: string): Mail => ({
    to,
    subject: `The authenticator app was removed from your account`,
    text:
      `The authenticator app was removed from ${to}: its codes no longer sign you in, and your other sessions were signed out.` +
      (lastFactor
        ? ` It was your last second factor: two-factor authentication is off.`
        : ` Your security keys and recovery codes still work.`) +
      footer(origin),
  }),
  recoveryCodeUsed: (to: string, remaining: number, origin?: string): Mail => ({
    to,
    subject: `A recovery code was used to sign in`,
    text:
      `A recovery code was just used to sign in as ${to}. ${remaining} unused code${remaining === 1 ? "" : "s"} remain.` +
      (remaining <= 3 ? `\nGenerate a new set at ${link("/profile", origin)}.` : "") +
      footer(origin),
  }),
  recoveryCodesRegenerated: (to: string, origin?: string): Mail => ({
    to,
    subject: `New recovery codes were generated`,
    text: `A new set of recovery codes was generated for ${to}. The old codes no longer work.${footer(origin)}`,
  }),
  enforcementNotice: (accountName: string, deadline: Date | null, origin?: string): MemberMail => ({
    subject: `${accountName} now requires two-factor authentication`,
    text:
      `An administrator of ${accountName} turned on "Enforce Two Factor Authentication".\n\n` +
      (deadline
        ? `You can keep signing in without it until ${deadline.toUTCString()}. After that, you will set it up when you sign in.\n`
        : `You will set it up the next time you sign in.\n`) +
      `\nHow: install an authenticator app (Google Authenticator, Authy, 1Password...), sign in at ${link("/login", origin)}, ` +
      `and scan the QR code Twofold shows you. For your safety, this email contains no code and no QR code.`,
  }),
  enforcementOff: (accountName: string, origin?: string): MemberMail => ({
    subject: `${accountName} no longer requires two-factor authentication`,
    text:
      `An administrator of ${accountName} turned off "Enforce Two Factor Authentication".\n\n` +
      `If you use two-factor authentication, keep it on: it still protects your sign-in, and nothing changes for you. ` +
      `You can turn it on or off in your profile at ${link("/profile", origin)}.`,
  }),
  enforcementOffForAdmins: (accountName: string, actorEmail: string, origin?: string): MemberMail => ({
    subject: `${accountName} no longer requires two-factor authentication`,
    text:
      `${actorEmail} turned off "Enforce Two Factor Authentication" for ${accountName} on ${new Date().toUTCString()}. ` +
      `Members are no longer required to use it; those who have it keep it.\n\n` +
      `If this was not expected, check the audit log at ${link("/settings/audit", origin)} and turn enforcement on again at ` +
      `${link("/settings/authentication", origin)}.`,
  }),
  twoFactorReset: (to: string, accountName: string, origin?: string): Mail => ({
    to,
    subject: `Your two-factor authentication was reset`,
    text:
      `An administrator of ${accountName} reset two-factor authentication for ${to}: your authenticator and recovery codes no longer work, ` +
      `and your sessions were signed out. Sign in at ${link("/login", origin)} to set it up again.${footer(origin)}`,
  }),
  // Anyone who signs up can invite any address: the subject names the sender by their verified address
  // only, and the body says whose words the names are.
  invitation: (
    to: string,
    accountName: string,
    inviter: { name: string; email: string },
    token: string,
    origin?: string,
  ): Mail => ({
    to,
    subject: `${inviter.email} invited you to an account on ${env().appName}`,
    text:
      `${inviter.name} (${inviter.email}) invited you to join the account "${accountName}" on ${env().appName}.\n\n` +
      `Accept here (the link works once and expires in 7 days):\n${link(`/invite/${token}`, origin)}\n\n` +
      `The names above were chosen by the person who invited you, not by ${env().appName}. If you do not know them, ignore this email: nothing happens unless you accept.`,
  }),
  webAuthnAdded: (to: string, keyName: string, firstFactor: boolean, origin?: string): Mail => ({
    to,
    subject: `A security key was added to your account`,
    text:
      `The security key or passkey "${keyName}" was added to ${to}. It can now be used as your second factor when you sign in.` +
      (firstFactor ? ` Two-factor authentication is on, and your other sessions were signed out.` : "") +
      ` See your keys at ${link("/profile", origin)}.${footer(origin)}`,
  }),
  webAuthnRemoved: (to: string, keyName: string, lastFactor: boolean, origin?: string): Mail => ({
    to,
    subject: `A security key was removed from your account`,
    text:
      `The security key or passkey "${keyName}" was removed from ${to} and no longer works for signing in, and your other sessions were signed out.` +
      (lastFactor ? ` It was your last second factor: two-factor authentication is off.` : "") +
      footer(origin),
  }),
};
