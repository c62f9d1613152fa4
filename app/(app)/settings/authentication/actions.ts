"use server";
import { z } from "zod";
import { accountAdminAction } from "@/lib/action";
import { disableEnforcement, enableEnforcement, MAX_GRACE_HOURS } from "@/lib/accounts/enforcement";

const graceHours = z.coerce
  .number({ error: "Enter a number of hours." })
  .int("Use whole hours.")
  .min(0, "Use 0 or more hours.")
  .max(MAX_GRACE_HOURS, `Use at most ${MAX_GRACE_HOURS} hours (30 days).`);

export const enforceTwoFactor = accountAdminAction(
  z.object({ graceHours }),
  async (input, { user, membership, meta }) => {
    const { emailed, deadline } = await enableEnforcement(user.id, membership.account.id, input.graceHours, meta);
    return { emailed, deadline: deadline.toISOString() };
  },
);

export const stopEnforcingTwoFactor = accountAdminAction(
  z.object({ method: z.enum(["totp", "recovery"]), code: z.string().trim().min(1, "Enter a code.").max(32) }),
  async (proof, { user, membership, meta }) => {
    await disableEnforcement(user.id, membership.account.id, proof, meta);
    return { enforced: false };
  },
);
