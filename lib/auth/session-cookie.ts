import "server-only";
import { cookies } from "next/headers";
import { env } from "@/lib/env";
import { carrySessionOver, SESSION_LIFETIME_S } from "./session-record";
import { encodeSessionToken, sessionClaims } from "./session-token";

export const sessionCookieName = () =>
  env().secureCookies ? "__Secure-next-auth.session-token" : "next-auth.session-token";

/**
 * Re-issues the current browser's session under a new session version, after a change that ended
 * every other session (password, 2FA): this browser keeps its record, moved to the new version, and
 * gets a new cookie (a copy of the old one is refused). The record's absolute expiry stays where it
 * was. If another change raced this one, the record is not moved and this browser is signed out too.
 */
export async function reissueSession(
  session: { id: string; version: number; expiresAt: Date; user: { id: string; email: string; name: string } },
  newVersion: number,
): Promise<boolean> {
  const { authSecret, secureCookies } = env();
  const jar = await cookies();
  if (!(await carrySessionOver(session.id, session.version, newVersion))) {
    jar.delete(sessionCookieName());
    return false;
  }
  const token = sessionClaims(session.user, session, newVersion);
  const value = await encodeSessionToken({ token, secret: authSecret, maxAge: SESSION_LIFETIME_S });
  const maxAge = Math.max(0, token.end - Math.floor(Date.now() / 1000));
  jar.set(sessionCookieName(), value, { httpOnly: true, sameSite: "lax", secure: secureCookies, path: "/", maxAge });
  return true;
}
