import "server-only";
import { encode, type JWT, type JWTEncodeParams } from "next-auth/jwt";

/** What the session JWT says. Only the record it names (`sid`) makes it worth anything. */
export type SessionClaims = {
  sub: string;
  uid: string;
  /** The user's session version when issued; a bump ends the session. */
  sv: number;
  /** The Session record's id. */
  sid: string;
  /** The record's generation when issued: a renewal bumps it, and a copy from before is refused. */
  sg: number;
  /** The record's absolute expiry (epoch seconds), so re-signing can cap the token without a query. */
  end: number;
  email: string;
  name: string;
};

/** A session that is over (revoked, past its lifetime, older version): next-auth must not re-sign it. */
export class SessionEndedError extends Error {
  override name = "SessionEndedError";
  constructor() {
    super("The session has ended.");
  }
}

export function sessionClaims(
  user: { id: string; email: string; name: string },
  session: { id: string; expiresAt: Date; generation?: number },
  version: number,
): SessionClaims {
  const end = Math.floor(session.expiresAt.getTime() / 1000);
  const sg = session.generation ?? 0;
  return { sub: user.id, uid: user.id, sv: version, sid: session.id, sg, end, email: user.email, name: user.name };
}

/**
 * The claims of a decoded token, if it has the shape this app issues (older tokens have no sid; those
 * from before renewals no generation, which is the first one).
 */
export function readClaims(
  token: JWT | null | undefined,
): Pick<SessionClaims, "uid" | "sv" | "sid" | "sg" | "end"> | null {
  if (!token) return null;
  const { uid, sv, sid, sg = 0, end } = token as Partial<SessionClaims>;
  if (typeof uid !== "string" || typeof sv !== "number" || typeof sid !== "string" || typeof end !== "number")
    return null;
  if (typeof sg !== "number") return null;
  return { uid, sv, sid, sg, end };
}

/**
 * next-auth's encode, with the token's lifetime cut to the record's absolute expiry. next-auth
 * re-signs the token on every /api/auth/session call with a fresh maxAge; this is where that
 * renewal stops at the end of the session instead of sliding on forever.
 */
export async function encodeSessionToken(params: JWTEncodeParams): Promise<string> {
  const claims = readClaims(params.token);
  if (!claims) throw new SessionEndedError();
  const left = claims.end - Math.floor(Date.now() / 1000);
  if (left <= 0) throw new SessionEndedError();
  return encode({ ...params, maxAge: Math.min(params.maxAge ?? left, left) });
}
