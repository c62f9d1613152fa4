import "server-only";
import { encode } from "next-auth/jwt";
import { cookies } from "next/headers";
import { env } from "@/lib/env";
import { CHALLENGE_TTL_MS, findChallenge, type Requirement } from "./challenge";

// __Host- cookies must be Secure, so the prefix is used only when the app is served over HTTPS.
export const challengeCookieName = () => (env().secureCookies ? "__Host-twofold.challenge" : "twofold.challenge");
export const sessionCookieName = () => (env().secureCookies ? "__Secure-next-auth.session-token" : "next-auth.session-token");

export async function setChallengeCookie(token: string) {
  (await cookies()).set(challengeCookieName(), token, {
    httpOnly: true,
    sameSite: "lax",
    secure: env().secureCookies,
    path: "/",
    maxAge: CHALLENGE_TTL_MS / 1000,
  });
}

export async function readChallengeCookie(): Promise<string | undefined> {
  return (await cookies()).get(challengeCookieName())?.value;
}

/**
 * Re-issues the current browser's session under a new session version, after a change that ended
 * every other session (password, 2FA): this browser stays signed in, the others do not.
 */
export async function reissueSession(user: { id: string; email: string; name: string }, sessionVersion: number, maxAge: number) {
  const { authSecret, secureCookies } = env();
  const value = await encode({
    token: { sub: user.id, uid: user.id, sv: sessionVersion, email: user.email, name: user.name },
    secret: authSecret,
    maxAge,
  });
  (await cookies()).set(sessionCookieName(), value, { httpOnly: true, sameSite: "lax", secure: secureCookies, path: "/", maxAge });
}

/** The sign-in this browser has open (after an invitation, say): what it needs next, for /login to resume. */
export async function openSignIn(): Promise<{ requirement: Requirement; email: string } | null> {
  const challenge = await findChallenge(await readChallengeCookie());
  if (!challenge || challenge.satisfiedAt) return null;
  return { requirement: challenge.requirement as Requirement, email: challenge.user.email };
}
