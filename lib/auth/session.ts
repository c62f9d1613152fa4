import "server-only";
import { decode } from "next-auth/jwt";
import { cookies } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { canManage, currentMembership } from "@/lib/accounts/current";
import { cache } from "react";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { sessionCookieName } from "./cookies";
import { publicUserSelect, type PublicUser } from "./users";

/**
 * The signed-in user, or null. A valid JWT is not enough: its session version must still match the
 * database, so bumping the version ends every session issued before.
 */
export const currentUser = cache(async (): Promise<PublicUser | null> => {
  // next-auth's own JWT cookie, decoded as getServerSession would (expiry and integrity checked).
  const raw = (await cookies()).get(sessionCookieName())?.value;
  if (!raw) return null;
  const session = (await decode({ token: raw, secret: env().authSecret }).catch(() => null)) as { uid?: unknown; sv?: unknown } | null;
  if (typeof session?.uid !== "string" || typeof session.sv !== "number") return null;
  const prisma = await db();
  const user = await prisma.user.findUnique({
    where: { id: session.uid },
    select: { ...publicUserSelect, sessionVersion: true },
  });
  if (!user || user.sessionVersion !== session.sv) return null;
  return { id: user.id, email: user.email, name: user.name, totpEnabledAt: user.totpEnabledAt };
});

/** For pages: the user, or a redirect to /login. */
export async function requireUser(): Promise<PublicUser> {
  const user = await currentUser();
  if (!user) redirect("/login");
  return user;
}

/** For settings pages: an owner or admin of the current account; anyone else gets a 404. */
export async function requireAccountAdmin() {
  const user = await requireUser();
  const membership = await currentMembership(user.id);
  if (!membership || !canManage(membership.role)) notFound();
  return { user, membership };
}
