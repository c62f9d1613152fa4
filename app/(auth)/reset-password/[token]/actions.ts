"use server";
import { z } from "zod";
import { action } from "@/lib/action";
import { resetPassword } from "@/lib/auth/password";
import { passwordSchema } from "@/lib/auth/users";

const schema = z.object({ token: z.string().min(20).max(100), password: passwordSchema });

export const chooseNewPassword = action(schema, async ({ token, password }, meta) => {
  await resetPassword(token, password, meta);
  return { done: true };
});
