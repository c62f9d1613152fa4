import "server-only";
import type { AuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { cookies } from "next/headers";
import { audit, AuditType } from "@/lib/audit";
import { env } from "@/lib/env";
import { requestMeta } from "@/lib/request-meta";
import { safeRedirectPath } from "@/lib/safe-redirect";
import { redeemChallenge } from "./challenge";
import { challengeCookieName } from "./cookies";

export const SESSION_MAX_AGE_S = 12 * 60 * 60;

/**
 * The only provider exchanges a finished login challenge (httpOnly cookie) for a session. The browser
 * never re-sends the password: the password and the second factor were checked by server actions.
 */
export function authOptions(): AuthOptions {
  const { authSecret, secureCookies } = env();
  return {
    secret: authSecret,
    useSecureCookies: secureCookies,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_S },
    pages: { signIn: "/login", error: "/login" },
    providers: [
      CredentialsProvider({
        id: "challenge",
        name: "Login challenge",
        credentials: {},
        async authorize() {
          const jar = await cookies();
          const user = await redeemChallenge(jar.get(challengeCookieName())?.value);
          if (!user) return null;
          await audit({ type: AuditType.signIn, subjectId: user.id, actorId: user.id, meta: await requestMeta() });
          return { id: user.id, email: user.email, name: user.name, sv: user.sessionVersion };
        },
      }),
    ],
    callbacks: {
      // next-auth's callbackUrl (sign-in, sign-out): only a path on our own origin, by the same rule as /login.
      redirect({ url, baseUrl }) {
        return new URL(safeRedirectPath(url, baseUrl), baseUrl).href;
      },
      jwt({ token, user }) {
        if (user) {
          token.uid = user.id;
          token.sv = (user as { sv?: number }).sv ?? 0;
        }
        return token;
      },
      session({ session, token }) {
        return { ...session, uid: token.uid as string, sv: token.sv as number };
      },
    },
  };
}
