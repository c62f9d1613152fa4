import "server-only";
import type { AuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { requestMeta } from "@/lib/request-meta";
import { safeRedirectPath } from "@/lib/safe-redirect";
import { findLiveSession, revokeSession, SESSION_LIFETIME_S } from "./session-record";
import { markSignOutFailed } from "./sign-out";
import { encodeSessionToken, readClaims, SessionEndedError, type SessionClaims } from "./session-token";
import { grantSession, readChallengeCookie } from "./sign-in";

/**
 * The only provider exchanges a finished login challenge (httpOnly cookie) for a session. The browser
 * never re-sends the password: the password and the second factor were checked by server actions.
 * Each session is a server-side record (lib/auth/session-record); the JWT only names it.
 */
export function authOptions(): AuthOptions {
  const { authSecret, secureCookies } = env();
  return {
    secret: authSecret,
    useSecureCookies: secureCookies,
    session: { strategy: "jwt", maxAge: SESSION_LIFETIME_S },
    jwt: { encode: encodeSessionToken },
    pages: { signIn: "/login", error: "/login" },
    providers: [
      CredentialsProvider({
        id: "challenge",
        name: "Login challenge",
        credentials: {},
        async authorize() {
          try {
            const granted = await grantSession(await readChallengeCookie(), await requestMeta());
            if (!granted) return null;
            const { user, claims } = granted;
            return { id: user.id, email: user.email, name: user.name, claims };
          } catch (error) {
            // next-auth puts a thrown message in the error URL it answers with: a database that is
            // away ("Invalid `prisma.session.create()` invocation…") must reach the log, not the user.
            await log.error("sign_in.failed", { error });
            throw new Error("unavailable");
          }
        },
      }),
    ],
    callbacks: {
      // next-auth's callbackUrl (sign-in, sign-out): only a path on our own origin, by the same rule as /login.
      redirect({ url, baseUrl }) {
        return new URL(safeRedirectPath(url, baseUrl), baseUrl).href;
      },
      async jwt({ token, user }) {
        if (user) return { ...token, ...(user as unknown as { claims: SessionClaims }).claims };
        // Every later use (/api/auth/session re-signs the token) asks the record first: a session
        // that was signed out, outlived its lifetime or belongs to an old version is not renewed,
        // and next-auth clears the cookie instead.
        const claims = readClaims(token);
        const live = claims && (await findLiveSession(claims));
        if (!live) throw new SessionEndedError();
        // Recomputed on every use, like every other endpoint's verdict (lib/auth/session).
        return { ...token, mustEnrol: live.policy.requirement === "enrol" };
      },
      session({ session, token }) {
        const claims = readClaims(token)!;
        const expires = new Date(claims.end * 1000).toISOString();
        // A user an account now requires to enrol gets no user from here either, only that verdict.
        if (token.mustEnrol) return { expires, mustEnrol: true } as unknown as typeof session;
        return { ...session, expires, uid: claims.uid, sv: claims.sv };
      },
    },
    events: {
      // Sign-out ends the record on the server too; next-auth only clears this browser's cookie.
      async signOut({ token }) {
        const claims = readClaims(token);
        if (!claims) return;
        try {
          await revokeSession(claims);
        } catch (error) {
          markSignOutFailed();
          throw error;
        }
      },
    },
    logger: {
      // A session that ended is an ordinary answer ({} and a cleared cookie), not a server error.
      error(code, metadata) {
        const name = (metadata as { name?: string } | undefined)?.name;
        if (name === "SessionEndedError" || name === "JWTExpired") return;
        void log.error("next_auth.error", { code, error: metadata });
      },
      warn(code) {
        void log.warn("next_auth.warning", { code });
      },
      debug() {},
    },
  };
}
