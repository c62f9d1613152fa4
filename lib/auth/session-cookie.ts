import "server-only";
import { cookies } from "next/headers";
import { env } from "@/lib/env";
import { carrySessionOver, movedOnSince, renewSessionRecord, SESSION_LIFETIME_S } from "./session-record";
import { encodeSessionToken, sessionClaims, type SessionClaims } from "./session-token";

export const sessionCookieName = () =>
  env().secureCookies ? "__Secure-next-auth.session-token" : "next-auth.session-token";

type CurrentSession = {
  id: string;
  version: number;
  generation: number;
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
  const carried = await carrySessionOver(session.id, session.version, newVersion);
  if (!carried) {
    (await cookies()).delete(sessionCookieName());
    return false;
  }
  await setSessionCookie(session.user, { ...session, generation: carried.generation }, newVersion);
  return true;
}

/**
 * Gives this browser a new cookie for its record, at the record's next generation
 * (renewSessionRecord), so a copy of the cookie kept elsewhere is refused from now on; notes the
 * password when it was just entered again. False (and this browser signed out) when the session has
 * ended. When another renewal of this cookie's generation, or a password or 2FA change carrying the
 * record over, came first (two tabs at once), that one's cookie is the browser's: this answer leaves
 * the cookie alone.
 */
export async function renewSession(
  session: CurrentSession,
  { passwordEntered }: { passwordEntered: boolean },
): Promise<boolean> {
  const renewed = await renewSessionRecord(
    { id: session.id, userId: session.user.id, version: session.version, generation: session.generation },
    passwordEntered,
  );
  if (renewed) {
    await setSessionCookie(session.user, renewed, session.version);
    return true;
  }
  // Another request of this browser renewed the record or carried it to a new version meanwhile: its
  // answer holds the browser's cookie, which this one must not replace or delete.
  const movedOn = await movedOnSince(session);
  if (!movedOn) (await cookies()).delete(sessionCookieName());
  return movedOn;
}

const setSessionCookie = (
  user: CurrentSession["user"],
  record: { id: string; expiresAt: Date; generation: number },
  version: number,
) => setSessionClaimsCookie(sessionClaims(user, record, version));

/** This browser's session cookie for `token`, as next-auth's callback sets it (name, encoding, flags). */
export async function setSessionClaimsCookie(token: SessionClaims) {
  const { authSecret, secureCookies } = env();
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
