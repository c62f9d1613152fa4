import "server-only";
import { cookies } from "next/headers";
import { env } from "@/lib/env";
import { carrySessionOver, renewSessionRecord, SESSION_LIFETIME_S } from "./session-record";
import { encodeSessionToken, sessionClaims } from "./session-token";

export const sessionCookieName = () =>
  env().secureCookies ? "__Secure-next-auth.session-token" : "next-auth.session-token";

type CurrentSession = {
  id: string;
  version: number;
  expiresAt: Date;
  user: { id: string; email: string; name: string };
};

/**
 * Re-issues the current browser's session under a new session version, after a change that ended
 * every other session (password, 2FA): this browser keeps its record, moved to the new version, and
 * gets a new cookie (a copy of the old one is refused). The record's absolute expiry stays where it
 * was. If another change raced this one, the record is not moved and this browser is signed out too.
 */
export async function reissueSession(session: CurrentSession, newVersion: number): Promise<boolean> {
  if (!(await carrySessionOver(session.id, session.version, newVersion))) {
    (await cookies()).delete(sessionCookieName());
    return false;
  }
  await setSessionCookie(session.user, session, newVersion);
  return true;
}

/**
 * After the password was entered again: this browser gets a new record, fresh, and its cookie; the old
 * record ends (renewSessionRecord), so a stolen copy of the old cookie is signed out, not made fresh.
 * False (and this browser signed out) when the session ended meanwhile.
 */
export async function renewSession(session: CurrentSession): Promise<boolean> {
  const renewed = await renewSessionRecord(session.id, session.user.id);
  if (!renewed) {
    (await cookies()).delete(sessionCookieName());
    return false;
  }
  await setSessionCookie(session.user, renewed, session.version);
  return true;
}

async function setSessionCookie(
  user: CurrentSession["user"],
  record: { id: string; expiresAt: Date },
  version: number,
) {
  const { authSecret, secureCookies } = env();
  const token = sessionClaims(user, record, version);
  const value = await encodeSessionToken({ token, secret: authSecret, maxAge: SESSION_LIFETIME_S });
  const maxAge = Math.max(0, token.end - Math.floor(Date.now() / 1000));
  (await cookies()).set(sessionCookieName(), value, {
    httpOnly: true,
    sameSite: "lax",
    secure: secureCookies,
    path: "/",
    maxAge,
  });
}
