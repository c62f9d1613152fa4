import "server-only";
import { decode } from "next-auth/jwt";
import { cookies } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { cache } from "react";
import { canManage, currentMembership } from "@/lib/accounts/current";
import { env } from "@/lib/env";
import { sessionCookieName } from "./session-cookie";
import { findLiveSession, type LiveSession } from "./session-record";
import { readClaims } from "./session-token";
import type { PublicUser } from "./users";

export const ENROL_PATH = "/enrol";

export type SignedIn = LiveSession & {
  /** An account of the user enforces 2FA (grace over) and they have none: enrolment is all they may do. */
  mustEnrol: boolean;
};

/**
 * This browser's session, checked on every request: next-auth's JWT cookie (integrity and expiry, as
 * getServerSession would) naming a live server-side record, under the user's current session version.
 * The 2FA rule is applied per request too, so enforcement reaches sessions that already exist.
 */
export const currentSession = cache(async (): Promise<SignedIn | null> => {
  const raw = (await cookies()).get(sessionCookieName())?.value;
  if (!raw) return null;
  const claims = readClaims(await decode({ token: raw, secret: env().authSecret }).catch(() => null));
  if (!claims) return null;
  const session = await findLiveSession(claims);
  return session && { ...session, mustEnrol: session.policy.requirement === "enrol" };
});

/**
 * The signed-in user who may use the app, or null. A user who must enrol first counts as nobody here,
 * so anything built on this fails closed; enrolment uses currentSession itself.
 */
export async function currentUser(): Promise<PublicUser | null> {
  const session = await currentSession();
  return session && !session.mustEnrol ? session.user : null;
}

/** For app pages: the session, or a redirect to /login (signed out) or to enrolment (must enrol). */
export async function requireSession(): Promise<SignedIn> {
  const session = await currentSession();
  if (!session) redirect("/login");
  if (session.mustEnrol) redirect(ENROL_PATH);
  return session;
}

export async function requireUser(): Promise<PublicUser> {
  return (await requireSession()).user;
}

/** For settings pages: an owner or admin of the current account; anyone else gets a 404. */
export async function requireAccountAdmin() {
  const { user, policy } = await requireSession();
  const membership = await currentMembership(user.id);
  if (!membership || !canManage(membership.role)) notFound();
  return { user, policy, membership };
}
