import "server-only";
import { db } from "@/lib/db";
import { AppError, ErrorCode } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
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

export async function requireRecentPassword(
  session: { id: string; generation: number },
  now = new Date(),
  client?: Prisma.TransactionClient,
): Promise<void> {
  const prisma = client ?? (await db());
  // Under this cookie's generation only: a renewal elsewhere (the password entered in the owner's
  // browser, while a copy's request is in flight) makes nothing recent for the copy.
  const record = await prisma.session.findFirst({
    where: { id: session.id, generation: session.generation },
    select: { createdAt: true, reauthenticatedAt: true },
  });
  const last = Math.max(record?.createdAt.getTime() ?? 0, record?.reauthenticatedAt?.getTime() ?? 0);
  if (now.getTime() - last > RECENT_PASSWORD_MS) throw new AppError(ErrorCode.passwordRequired);
}

/**
 * The password entered again in this session (limited and audited like any current-password check).
 * The browser that entered it gets a renewed cookie (renewSession): a stolen copy of the old one is
 * refused from then on rather than made fresh with it.
 */
export async function confirmPassword(session: LiveSession, password: string, meta: RequestMeta): Promise<void> {
  await verifyCurrentPassword(session.user.id, session.id, password, meta);
  if (!(await renewSession(session, { passwordEntered: true }))) throw new AppError(ErrorCode.notSignedIn);
}
