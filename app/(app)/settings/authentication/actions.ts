"use server";
import { z } from "zod";
import { accountAdminAction } from "@/lib/action";
import { disableEnforcement, enableEnforcement } from "@/lib/accounts/enforcement";
import { setRememberDeviceDays } from "@/lib/accounts/remember-days";
import { MAX_REMEMBER_DEVICE_DAYS as MAX_DAYS } from "@/lib/auth/remembered-devices";
import { graceHoursSchema as graceHours, proofSchema } from "@/lib/two-factor/proof";
import { wholeNumberSchema } from "@/lib/whole-number";

export const enforceTwoFactor = accountAdminAction(
  z.object({ graceHours }),
  async (input, { user, membership, meta }) => {
    const { deadline } = await enableEnforcement(user.id, membership.account.id, input.graceHours, meta);
    return { deadline: deadline.toISOString() };
  },
);

export const stopEnforcingTwoFactor = accountAdminAction(proofSchema, async (proof, { user, membership, meta }) => {
  await disableEnforcement(user.id, membership.account.id, proof, meta);
  return { enforced: false };
});

const days = wholeNumberSchema("days", MAX_DAYS);

/** "Remember devices for (days)"; 0 = members always enter a second factor. Longer needs a second factor. */
export const setRememberDays = accountAdminAction(
  z.object({ days, proof: proofSchema.optional() }),
  async (input, { user, membership, meta }) =>
    setRememberDeviceDays(user.id, membership.account.id, input.days, meta, input.proof),
);
