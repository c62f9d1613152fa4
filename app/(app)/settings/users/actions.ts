"use server";
import { z } from "zod";
import { accountAdminAction, idSchema as id } from "@/lib/action";
import { inviteMember, resendInvitation, revokeInvitation } from "@/lib/accounts/invitations";
import { changeRole, removeMember, resetMemberTwoFactor } from "@/lib/accounts/members";
import { requireRecentPassword } from "@/lib/auth/recent-password";
import { emailSchema } from "@/lib/auth/users";
import { proofSchema } from "@/lib/two-factor/proof";

const role = z.enum(["owner", "admin", "member"], { error: "Choose a role." });

// Giving or taking away a say in the account (an admin or owner invitation, a role change, a removal)
// needs the password lately in this session: from a stolen, stale cookie the thief would invite
// themselves as admin, and their own membership would outlive the cookie and answer every "confirm
// with a second factor" with their own app (review 47). confirmPasswordAgain gives it back.

export const invite = accountAdminAction(
  z.object({ email: emailSchema, role }),
  async (input, { user, session, membership, meta }) => {
    if (input.role !== "member") await requireRecentPassword(session);
    await inviteMember(user.id, membership.account.id, input.email, input.role, meta);
    return { email: input.email };
  },
);

export const resendInvite = accountAdminAction(
  z.object({ invitationId: id }),
  async (input, { user, membership, meta }) => {
    await resendInvitation(user.id, membership.account.id, input.invitationId, meta);
    return {};
  },
);

export const revokeInvite = accountAdminAction(
  z.object({ invitationId: id }),
  async (input, { user, membership, meta }) => {
    await revokeInvitation(user.id, membership.account.id, input.invitationId, meta);
    return {};
  },
);

export const setRole = accountAdminAction(
  z.object({ membershipId: id, role }),
  async (input, { user, session, membership, meta }) => {
    await requireRecentPassword(session);
    await changeRole(user.id, membership.account.id, input.membershipId, input.role, meta);
    return {};
  },
);

export const remove = accountAdminAction(
  z.object({ membershipId: id }),
  async (input, { user, session, membership, meta }) => {
    await requireRecentPassword(session);
    await removeMember(user.id, membership.account.id, input.membershipId, meta);
    return {};
  },
);

/** Needs the admin's own second factor (`proof`), as stopping enforcement does. */
export const resetTwoFactor = accountAdminAction(
  z.object({ membershipId: id, proof: proofSchema.optional() }),
  async (input, { user, membership, meta }) => {
    await resetMemberTwoFactor(user.id, membership.account.id, input.membershipId, input.proof, meta);
    return {};
  },
);
