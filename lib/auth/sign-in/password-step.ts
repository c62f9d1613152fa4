import "server-only";
import { audit, AuditType } from "@/lib/audit";
import { dummyPasswordHash, verifyPassword } from "@/lib/crypto/password";
import { db } from "@/lib/db";
import { AppError, ErrorCode } from "@/lib/errors";
import { rateLimitAddress } from "@/lib/client-address";
import { limits, rateLimitedError, releaseAll, reserveAttempt, type Attempt } from "@/lib/rate-limit";
import type { RequestMeta } from "@/lib/request-meta";
import { startChallenge } from "./open";

/**
 * Email and password. Failures are counted per email and per client address (an IPv6 /64) before the
 * check, so parallel guesses can't exceed the limit; a success takes back its own reservations.
 * One generic error either way.
 */
export async function verifyCredentials(email: string, password: string, meta: RequestMeta) {
  const keys = [
    [`password:email:${email}`, limits.passwordPerEmail],
    [`password:ip:${rateLimitAddress(meta.ip)}`, limits.passwordPerIp],
  ] as const;
  const reserved: Attempt[] = [];
  for (const [key, { limit, windowMs }] of keys) {
    const attempt = await reserveAttempt(key, limit, windowMs);
    if (!attempt.allowed) {
      await releaseAll(reserved); // the password was not checked: nothing failed
      await audit({ type: AuditType.signInRateLimited, meta, details: { email } });
      throw rateLimitedError("Too many sign-in attempts.", attempt);
    }
    reserved.push(attempt);
  }
  const prisma = await db();
  const user = await prisma.user.findUnique({
    where: { email },
    select: { id: true, passwordHash: true, sessionVersion: true },
  });
  const valid = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), password);
  if (!user || !valid) {
    await audit({ type: AuditType.signInFailed, subjectId: user?.id, meta, details: { email } });
    throw new AppError(ErrorCode.invalidCredentials);
  }
  await releaseAll(reserved);
  return { id: user.id, sessionVersion: user.sessionVersion };
}

/**
 * The password step of /login as one call, returning the challenge token instead of setting the
 * cookie (tests, benchmark); `rememberedToken` is the browser's remembered-device cookie, if any.
 */
export async function checkPassword(email: string, password: string, meta: RequestMeta, rememberedToken?: string) {
  const user = await verifyCredentials(email, password, meta);
  return startChallenge(user.id, meta, rememberedToken);
}
