import "server-only";
import { db } from "@/lib/db";
import type { RequestMeta } from "@/lib/request-meta";
import { twoFactorPolicy } from "@/lib/two-factor/policy";
import type { Requirement } from "@/lib/two-factor/proof";
import { createChallenge } from "./challenge";
import { setChallengeCookie } from "./cookie";

/**
 * Opens the login challenge for a user whose password was just proved (sign-in, sign-up, invitation):
 * what it asks next follows the one 2FA rule, so no way in skips the second factor or enrolment.
 */
export async function startChallenge(
  userId: string,
  meta: RequestMeta,
): Promise<{ token: string; requirement: Requirement; graceUntil: Date | null }> {
  const prisma = await db();
  const user = await prisma.user.findUniqueOrThrow({
    where: { id: userId },
    select: { id: true, sessionVersion: true },
  });
  const policy = await twoFactorPolicy(user.id);
  const token = await createChallenge(user, policy.requirement, meta.ip);
  return { token, requirement: policy.requirement, graceUntil: policy.graceUntil };
}

/**
 * The one way a proved password continues (sign-in, sign-up, invitation): the challenge, named by an
 * httpOnly cookie. The browser then finishes on /login (components/auth/sign-in), whatever came first.
 */
export async function beginSignIn(userId: string, meta: RequestMeta) {
  const { token, requirement, graceUntil } = await startChallenge(userId, meta);
  await setChallengeCookie(token);
  return { requirement, graceUntil };
}
