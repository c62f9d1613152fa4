// Helpers for the security review's attack tests (review-attacks-*.test.ts): a signed-in browser as
// the server sees it, a user with every factor kind, and what an attacker could have changed.
import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { RECENT_PASSWORD_MS } from "@/lib/auth/recent-password";
import { encodeSessionToken, sessionClaims } from "@/lib/auth/session-token";
import { db } from "@/lib/db";
import { SoftAuthenticator } from "../support/soft-authenticator";
import { jar, SESSION_COOKIE } from "./browser";
import { makeUser, makeUserWithTwoFactor, meta, openTestSession } from "./fixtures";
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
