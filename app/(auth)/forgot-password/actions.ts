"use server";
import { z } from "zod";
import { action } from "@/lib/action";
import { requestPasswordReset } from "@/lib/auth/password";
import { emailSchema } from "@/lib/auth/users";

/** Always the same answer, whether or not the email has an account. */
export const askForReset = action(z.object({ email: emailSchema }), async ({ email }, meta) => {
  await requestPasswordReset(email, meta);
  return { sent: true };
});
