import "server-only";
import { db } from "@/lib/db";
import { AppError, ErrorCode } from "@/lib/errors";
import type { RequestMeta } from "@/lib/request-meta";
import { verifyCurrentPassword } from "./password";
import { renewSession } from "./session-cookie";
import type { LiveSession } from "./session-record";

/**
 * Adding a second factor needs the password within this long, in this session: the sign-in itself,
 * or the password entered again. A stolen session cookie alone must not let someone put their own
 * authenticator on the account (the owner would be asked for codes only the thief has).
 */
export const RECENT_PASSWORD_MS = 10 * 60_000;

export async function requireRecentPassword(sessionId: string, now = new Date()): Promise<void> {
  const prisma = await db();
  const session = await prisma.session.findUnique({
    where: { id: sessionId },
    select: { createdAt: true, reauthenticatedAt: true },
  });
  const last = Math.max(session?.createdAt.getTime() ?? 0, session?.reauthenticatedAt?.getTime() ?? 0);
  if (now.getTime() - last > RECENT_PASSWORD_MS) throw new AppError(ErrorCode.passwordRequired);
}

/**
 * The password entered again in this session (limited and audited like any current-password check).
 * The browser that entered it gets a new session record and cookie, fresh; the old record ends, so a
 * stolen copy of the cookie is signed out rather than made fresh with it.
 */
export async function confirmPassword(session: LiveSession, password: string, meta: RequestMeta): Promise<void> {
  await verifyCurrentPassword(session.user.id, session.id, password, meta);
  if (!(await renewSession(session))) throw new AppError(ErrorCode.notSignedIn);
}
