"use server";
import { z } from "zod";
import { action } from "@/lib/action";
import { createChallenge } from "@/lib/auth/challenge";
import { setChallengeCookie } from "@/lib/auth/cookies";
import { createUserWithAccount, emailSchema, nameSchema, passwordSchema } from "@/lib/auth/users";
import { audit, AuditType } from "@/lib/audit";
import { AppError, ErrorCode } from "@/lib/errors";
import { limits, reserveAttempt } from "@/lib/rate-limit";
import { twoFactorPolicy } from "@/lib/two-factor/policy";

const signupSchema = z.object({ name: nameSchema, email: emailSchema, password: passwordSchema });

/** Creates the user and their own account, then signs in through the same challenge as /login. */
export const signUp = action(signupSchema, async (input, meta) => {
  const { limit, windowMs } = limits.signupPerIp;
  if (!(await reserveAttempt(`signup:ip:${meta.ip ?? "unknown"}`, limit, windowMs)).allowed) {
    throw new AppError(ErrorCode.rateLimited);
  }
  const user = await createUserWithAccount(input);
  await audit({ type: AuditType.signUp, actorId: user.id, meta });
  const policy = await twoFactorPolicy(user.id);
  await setChallengeCookie(await createChallenge({ id: user.id, sessionVersion: 0 }, policy.requirement, meta.ip));
  return { requirement: policy.requirement };
});
