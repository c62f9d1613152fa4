"use server";
import { z } from "zod";
import { action } from "@/lib/action";
import { acceptInvitation, findInvitation } from "@/lib/accounts/invitations";
import { beginSignIn, verifyCredentials } from "@/lib/auth/sign-in";
import { nameSchema, passwordSchema } from "@/lib/auth/users";
import { AppError, ErrorCode } from "@/lib/errors";

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

export const acceptAsExistingUser = action(
  z.object({ token, password: z.string().min(1, "Enter your password.").max(256) }),
  async (input, meta) => {
    const invitation = await findInvitation(input.token);
    if (!invitation) throw new AppError(ErrorCode.invalidLink);
    const user = await verifyCredentials(invitation.email, input.password, meta);
    await acceptInvitation(input.token, { kind: "existing", user }, meta);
    const { requirement } = await beginSignIn(user, meta);
    return { requirement };
  },
);
