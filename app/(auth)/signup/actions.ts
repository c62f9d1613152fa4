"use server";
import { z } from "zod";
import { action } from "@/lib/action";
import { afterResponse } from "@/lib/after-response";
import { beginSignIn } from "@/lib/auth/sign-in";
import { confirmSignup, requestSignup, reserveSignup } from "@/lib/auth/signup";
import { emailSchema, nameSchema, passwordSchema } from "@/lib/auth/users";

const signupSchema = z.object({ name: nameSchema, email: emailSchema, password: passwordSchema });

/**
 * The same answer, in the same time, for a new and a taken address: the hashing, the lookup and
 * the email (a link, or a warning to the owner) happen after the response.
 */
export const signUp = action(signupSchema, async (input, meta) => {
  await reserveSignup(meta);
  afterResponse("sign-up request", () => requestSignup(input, meta));
  return { sent: true };
});

const confirmSchema = z.object({
  token: z.string().min(20).max(100),
  password: z.string().min(1, "Enter your password.").max(256),
});

/** The emailed link plus the password chosen at sign-up create the account, then sign in as /login does. */
export const confirmSignupAction = action(confirmSchema, async ({ token, password }, meta) => {
  const user = await confirmSignup(token, password, meta);
  const { requirement } = await beginSignIn(user, meta);
  return { requirement };
});
