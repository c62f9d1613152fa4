"use server";
import { z } from "zod";
import { action } from "@/lib/action";
import { readChallengeCookie, setChallengeCookie } from "@/lib/auth/cookies";
import { checkPassword, verifyChallengeSecondFactor } from "@/lib/auth/login";
import { emailSchema } from "@/lib/auth/users";

const passwordStep = z.object({ email: emailSchema, password: z.string().min(1, "Enter your password.").max(256) });

/** Step 1. Leaves an httpOnly challenge cookie; no session exists yet. */
export const submitPassword = action(passwordStep, async ({ email, password }, meta) => {
  const { token, requirement, graceUntil } = await checkPassword(email, password, meta);
  await setChallengeCookie(token);
  return { requirement, graceUntil: graceUntil?.toISOString() ?? null };
});

const secondFactorStep = z.object({
  method: z.enum(["totp", "recovery"]),
  code: z.string().trim().min(1, "Enter a code.").max(32, "That is not a valid code."),
});

/** Step 2. The user is the challenge's, never one named by the request. */
export const submitSecondFactor = action(secondFactorStep, async (proof, meta) => {
  const { result } = await verifyChallengeSecondFactor(await readChallengeCookie(), proof, meta);
  return { recoveryCodesLeft: result.method === "recovery" ? result.remaining : null };
});
