// Helpers for the security review's attack tests (review-attacks-*.test.ts): a signed-in browser as
// the server sees it, a user with every factor kind, and what an attacker could have changed.
import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { RECENT_PASSWORD_MS } from "@/lib/auth/recent-password";
import { encodeSessionToken, sessionClaims } from "@/lib/auth/session-token";
import { db } from "@/lib/db";
import { SoftAuthenticator } from "../support/soft-authenticator";
import { jar, SESSION_COOKIE } from "./browser";
import { acceptInvitation, inviteMember } from "@/lib/accounts/invitations";
import { removeMember, resetMemberTwoFactor } from "@/lib/accounts/members";
import { beginEnrolment, confirmEnrolment } from "@/lib/two-factor/factors/totp-enrolment";
import { totpCode } from "@/lib/two-factor/totp";
import {
  mailsTo,
  makeUser,
  makeUserWithTwoFactor,
  meta,
  openTestSession,
  ownAccount,
  PASSWORD,
  setupNow,
  versionNow,
} from "./fixtures";
import { registerKey, rp } from "./webauthn-fixtures";

/**
 * Puts a live session of the user in the jar (record + next-auth's JWT), as a sign-in leaves it.
 * `stale`: signed in longer ago than the recent-password window (a cookie stolen later on).
 */
export async function signInAs(user: { id: string; email: string; name: string }, { stale = false } = {}) {
  const prisma = await db();
  const { sessionVersion } = await prisma.user.findUniqueOrThrow({ where: { id: user.id } });
  const session = await openTestSession({ id: user.id, sessionVersion }, meta);
  if (stale) {
    const before = new Date(Date.now() - RECENT_PASSWORD_MS - 60_000);
    await prisma.session.update({ where: { id: session.id }, data: { createdAt: before } });
  }
  const token = await encodeSessionToken({
    token: sessionClaims(user, session, sessionVersion),
    secret: process.env.NEXTAUTH_SECRET!,
  });
  jar.set(SESSION_COOKIE, token);
  return { token, sid: session.id, session: { id: session.id, version: sessionVersion, generation: 0 } };
}

/** The authenticator app (with its recovery codes) and one security key. */
export async function userWithAppAndKey(name = "Victim") {
  const account = await makeUserWithTwoFactor(name);
  const { authenticator, key } = await registerKey(account.user.id);
  return { ...account, authenticator, key };
}

/** A security key and its recovery codes, nothing else. */
export async function keyOnlyUser(name = "Keyholder") {
  const user = await makeUser(name);
  const { authenticator, key, recoveryCodes } = await registerKey(user.id);
  return { user, authenticator, key, recoveryCodes: recoveryCodes! };
}

/** An assertion over options the server never issued (an attacker's own authenticator, any challenge). */
export function foreignAssertion(challenge = "A".repeat(43)) {
  return new SoftAuthenticator(rp).assert({ challenge } as PublicKeyCredentialRequestOptionsJSON);
}

/** Everything about a user's second factors and sign-ins that an attack could change. */
export async function factorState(userId: string) {
  const prisma = await db();
  const user = await prisma.user.findUniqueOrThrow({
    where: { id: userId },
    select: {
      name: true,
      passwordHash: true,
      totpSecret: true,
      totpEnabledAt: true,
      sessionVersion: true,
      webAuthnCredentials: { select: { id: true, name: true, counter: true }, orderBy: { id: "asc" } },
      recoveryCodes: { select: { codeHash: true, usedAt: true }, orderBy: { codeHash: "asc" } },
      rememberedDevices: { select: { id: true } },
      // Sessions signed out (opening new ones is what the tests themselves do).
      sessions: { where: { revokedAt: { not: null } }, select: { id: true }, orderBy: { id: "asc" } },
      memberships: {
        select: { role: true, account: { select: { enforceTwoFactor: true, rememberDeviceDays: true } } },
      },
    },
  });
  return { ...user, webAuthnCredentials: user.webAuthnCredentials.map((c) => ({ ...c, counter: Number(c.counter) })) };
}

export const enforceOn = async (userId: string) => {
  const prisma = await db();
  await prisma.account.updateMany({
    where: { memberships: { some: { userId } } },
    data: { enforceTwoFactor: true, enforcedAt: new Date() },
  });
};

/**
 * A user with 2FA who belongs to no account: invited into a company as a new user, turned on an
 * authenticator app, later removed from the company (their password and app stay). Reset 2FA by an
 * account's admin is then one membership away, which the invitation attacks try to get.
 */
export async function formerMemberWithTwoFactor() {
  const prisma = await db();
  const company = await makeUser("Company");
  const companyId = await ownAccount(company.id);
  const email = `victim-${Date.now()}@example.com`;
  await inviteMember(company.id, companyId, email, "member", meta);
  const victim = await acceptInvitation(
    await linkIn(email, "invite"),
    { kind: "new", name: "Victim", password: PASSWORD },
    meta,
  );
  const { secret } = await beginEnrolment({ id: victim.id, email }, await setupNow(victim.id));
  await confirmEnrolment(victim.id, await totpCode(secret), meta, await versionNow(victim.id));
  const inCompany = await prisma.membership.findFirstOrThrow({ where: { userId: victim.id } });
  await removeMember(company.id, companyId, inCompany.id, meta);
  return { victim, email };
}

/** The token of the newest link to `path` (invite, reset-password) mailed to `to`. */
export const linkIn = async (to: string, path: string) =>
  (await mailsTo(to)).at(-1)!.text.match(new RegExp(`${path}/([\\w-]+)`))![1]!;

/** Reset 2FA pressed by `admin` on `userId` if the user is a member of `accountId` now: its outcome. */
export async function resetIfJoined(
  admin: Awaited<ReturnType<typeof makeUserWithTwoFactor>>,
  accountId: string,
  userId: string,
): Promise<string | undefined> {
  const prisma = await db();
  const joined = await prisma.membership.findFirst({ where: { userId, accountId } });
  if (!joined) return "no membership";
  return resetMemberTwoFactor(admin.user.id, accountId, joined.id, await admin.proof(), meta).then(
    () => "reset",
    (error: { code?: string }) => error.code,
  );
}
