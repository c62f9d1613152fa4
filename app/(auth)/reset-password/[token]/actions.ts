"use server";
import { redirect } from "next/navigation";
import { z } from "zod";
import { action } from "@/lib/action";
import { resetPassword } from "@/lib/auth/password";
import { passwordSchema } from "@/lib/auth/users";

const schema = z.object({ token: z.string().min(20).max(100), password: passwordSchema });

/** On success, straight to /login: the reset ended every session and the second factor still applies. */
export const chooseNewPassword = action(schema, async ({ token, password }, meta) => {
  await resetPassword(token, password, meta);
  redirect("/login?reset=done"); // a redirect, not client code, so it also works before hydration
});
