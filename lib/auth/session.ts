import "server-only";
import { getServerSession } from "next-auth";
import { notFound, redirect } from "next/navigation";
import { canManage, currentMembership } from "@/lib/accounts/current";
import { cache } from "react";
import { db } from "@/lib/db";
import { authOptions } from "./options";
import { publicUserSelect, type PublicUser } from "./users";

/**
 * The signed-in user, or null. A valid JWT is not enough: its session version must still match the
 * database, so bumping the version ends every session issued before.
 */
export const currentUser = cache(async (): Promise<PublicUser | null> => {
  const session = (await getServerSession(authOptions())) as { uid?: string; sv?: number } | null;
  if (!session?.uid || typeof session.sv !== "number") return null;
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
