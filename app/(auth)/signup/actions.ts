"use server";
import { z } from "zod";
import { action } from "@/lib/action";
import { setChallengeCookie } from "@/lib/auth/cookies";
import { startChallenge } from "@/lib/auth/login";
import { createUserWithAccount, emailSchema, nameSchema, passwordSchema } from "@/lib/auth/users";
import { audit, AuditType } from "@/lib/audit";
import { AppError, ErrorCode } from "@/lib/errors";
import { limits, reserveAttempt } from "@/lib/rate-limit";

const signupSchema = z.object({ name: nameSchema, email: emailSchema, password: passwordSchema });

/** Creates the user and their own account, then signs in through the same challenge as /login. */
export const signUp = action(signupSchema, async (input, meta) => {
  const { limit, windowMs } = limits.signupPerIp;
  if (!(await reserveAttempt(`signup:ip:${meta.ip ?? "unknown"}`, limit, windowMs)).allowed) {
    throw new AppError(ErrorCode.rateLimited);
  }
  const user = await createUserWithAccount(input);
  await audit({ type: AuditType.signUp, actorId: user.id, meta });
  const { token, requirement } = await startChallenge(user.id, meta);
  await setChallengeCookie(token);
  return { requirement };
});
