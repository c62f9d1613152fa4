import "server-only";
import { db } from "@/lib/db";
import { AppError, ErrorCode } from "@/lib/errors";
import type { RequestMeta } from "@/lib/request-meta";
import { verifyCurrentPassword } from "./password";

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

/** The password entered again in this session (limited and audited like any current-password check). */
export async function confirmPassword(userId: string, sessionId: string, password: string, meta: RequestMeta) {
  await verifyCurrentPassword(userId, sessionId, password, meta);
  const prisma = await db();
  await prisma.session.updateMany({
    where: { id: sessionId, userId, revokedAt: null },
    data: { reauthenticatedAt: new Date() },
  });
}
