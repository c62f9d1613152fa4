import "server-only";
import { audit, AuditType } from "@/lib/audit";
import { dummyPasswordHash, verifyPassword } from "@/lib/crypto/password";
import { db } from "@/lib/db";
import { AppError, ErrorCode } from "@/lib/errors";
import { rateLimitAddress } from "@/lib/client-address";
import { limits, rateLimitedError, releaseAll, reserveEach } from "@/lib/rate-limit";
import type { RequestMeta } from "@/lib/request-meta";
import { startChallenge } from "./open";

/**
 * Email and password. Failures are counted before the check, so parallel guesses can't exceed the
 * limits; a success takes back its own reservations. One generic error either way. Three limits:
 * per client address (an IPv6 /64), per email from that address, and per email from anywhere, which
 * an address the user signed in from in the last 30 days skips: failures from strangers alone can
 * never lock the owner out of their own account.
 */
export async function verifyCredentials(email: string, password: string, meta: RequestMeta) {
  const address = rateLimitAddress(meta.ip);
  const keys = [
    [`password:ip:${address}`, limits.passwordPerIp],
    [`password:email-ip:${email}:${address}`, limits.passwordPerEmailAndIp],
    ...((await isFamiliarAddress(email, meta.ip))
      ? []
      : [[`password:email:${email}`, limits.passwordPerEmail] as const]),
  ] as const;
  const { reserved, refused } = await reserveEach(keys);
  if (refused) {
    await audit({ type: AuditType.signInRateLimited, meta, details: { email } });
    throw rateLimitedError("Too many sign-in attempts.", refused.attempt);
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
 * Whether this user finished a sign-in from this address (its IPv6 /64) lately, with the password they
 * have now: after a password change or reset, an intruder's address is a stranger again (a 2FA change
 * leaves the addresses alone).
 */
async function isFamiliarAddress(email: string, ip: string | null): Promise<boolean> {
  if (!ip) return false;
  const prisma = await db();
  const rows = await prisma.$queryRaw<unknown[]>`
    SELECT 1 FROM "SignInAddress" a JOIN "User" u ON u."id" = a."userId"
    WHERE u."email" = ${email} AND a."address" = ${rateLimitAddress(ip)}
      AND a."passwordVersion" = u."passwordVersion" AND a."expiresAt" > now()`;
  return rows.length > 0;
}

/**
 * The password step of /login as one call, returning the challenge token instead of setting the
 * cookie (tests, benchmark); `rememberedToken` is the browser's remembered-device cookie, if any.
 */
export async function checkPassword(email: string, password: string, meta: RequestMeta, rememberedToken?: string) {
  const user = await verifyCredentials(email, password, meta);
  return startChallenge(user, meta, rememberedToken);
}
