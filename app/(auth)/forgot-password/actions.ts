"use server";
import { z } from "zod";
import { action } from "@/lib/action";
import { afterResponse } from "@/lib/after-response";
import { requestPasswordReset, reservePasswordResetRequest } from "@/lib/auth/password";
import { emailSchema } from "@/lib/auth/users";

/**
 * Always the same answer, in the same time, whether or not the email has an account: the lookup,
 * the token and the email happen after the response.
 */
export const askForReset = action(z.object({ email: emailSchema }), async ({ email }, meta) => {
  await reservePasswordResetRequest(meta);
  afterResponse("password reset request", () => requestPasswordReset(email, meta));
  return { sent: true };
});
