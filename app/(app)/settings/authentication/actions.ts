"use server";
import { z } from "zod";
import { accountAdminAction } from "@/lib/action";
import { disableEnforcement, enableEnforcement } from "@/lib/accounts/enforcement";
import { graceHoursSchema as graceHours, proofSchema } from "@/lib/two-factor/proof";

export const enforceTwoFactor = accountAdminAction(
  z.object({ graceHours }),
  async (input, { user, membership, meta }) => {
    const { emailed, deadline } = await enableEnforcement(user.id, membership.account.id, input.graceHours, meta);
    return { emailed, deadline: deadline.toISOString() };
  },
);

export const stopEnforcingTwoFactor = accountAdminAction(proofSchema, async (proof, { user, membership, meta }) => {
  await disableEnforcement(user.id, membership.account.id, proof, meta);
  return { enforced: false };
});
