"use server";
import { z } from "zod";
import { action, authedAction } from "@/lib/action";
import { acceptInvitation, findInvitation } from "@/lib/accounts/invitations";
import { beginSignIn, verifyCredentials, type ProvedUser } from "@/lib/auth/sign-in";
import { nameSchema, passwordSchema } from "@/lib/auth/users";
import { AppError, ErrorCode } from "@/lib/errors";
import type { RequestMeta } from "@/lib/request-meta";

const token = z.string().min(20).max(100);

/**
 * Joining ends in the same login challenge as /login, opened after the membership exists, so an
 * enforcing account's 2FA (verification or enrolment) comes before any session.
 */
export const acceptAsNewUser = action(
  z.object({ token, name: nameSchema, password: passwordSchema }),
  async (input, meta) => {
    const user = await acceptInvitation(input.token, { kind: "new", name: input.name, password: input.password }, meta);
    const { requirement } = await beginSignIn(user, meta);
    return { requirement };
  },
);

/**
 * An existing user's password. Without a second factor it is their whole sign-in, and they join now;
 * with one it is the first step only: the sign-in goes on, and they accept once signed in.
 */
export const acceptAsExistingUser = action(
  z.object({ token, password: z.string().min(1, "Enter your password.").max(256) }),
  async (input, meta) => {
    const invitation = await findInvitation(input.token);
    if (!invitation) throw new AppError(ErrorCode.invalidLink);
    const user = await verifyCredentials(invitation.email, input.password, meta);
    const signInFirst = !(await joinOnPassword(input.token, user, meta));
    const { requirement } = await beginSignIn(user, meta);
    return { requirement, signInFirst };
  },
);

/** Joins on the password alone; false when lib refuses it because the user has a second factor. */
async function joinOnPassword(token: string, user: ProvedUser, meta: RequestMeta): Promise<boolean> {
  try {
    await acceptInvitation(token, { kind: "password", user }, meta);
    return true;
  } catch (error) {
    if (error instanceof AppError && error.code === ErrorCode.secondFactorRequired) return false;
    throw error;
  }
}

/** The invited user, signed in (with their second factor, lately: else the password again), accepts. */
export const acceptSignedIn = authedAction(z.object({ token }), async (input, { user, session, meta }) => {
  await acceptInvitation(
    input.token,
    { kind: "session", user: { id: user.id, sessionVersion: session.version }, session },
    meta,
  );
});
