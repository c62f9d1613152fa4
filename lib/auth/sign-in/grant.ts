import "server-only";
import { audit, AuditType } from "@/lib/audit";
import type { RequestMeta } from "@/lib/request-meta";
import { openSession } from "../session-record";
import { sessionClaims } from "../session-token";
import { redeemChallenge } from "./challenge";

/**
 * The last step, and the only one that leads to a session: the finished challenge named by the
 * cookie is spent, a server-side session record is opened, and the sign-in is audited. next-auth's
 * Credentials provider calls this (lib/auth/options); the browser never sends the password again.
 */
export async function grantSession(challengeToken: string | undefined, meta: RequestMeta) {
  if (!challengeToken) return null;
  const user = await redeemChallenge(challengeToken);
  if (!user) return null;
  const session = await openSession(user, meta, challengeToken);
  if (!session) return null; // its challenge was deleted since it was spent ("Sign out other sessions")
  await audit({ type: AuditType.signIn, subjectId: user.id, actorId: user.id, meta });
  return { user, claims: sessionClaims(user, session, user.sessionVersion) };
}
