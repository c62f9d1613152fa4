import "server-only";
import { db } from "@/lib/db";

export type Attempt = { key: string; allowed: boolean; count: number; resetAt: Date };

/**
 * Reserves one attempt for `key` in a fixed window, in one atomic statement: parallel requests
 * cannot slip past the limit. Callers refund the attempt when it succeeded, so only failures count.
 */
export async function reserveAttempt(key: string, limit: number, windowMs: number): Promise<Attempt> {
  const prisma = await db();
  const rows = await prisma.$queryRaw<{ count: number; windowStart: Date }[]>`
    INSERT INTO "RateLimit" ("key", "windowStart", "count") VALUES (${key}, now(), 1)
    ON CONFLICT ("key") DO UPDATE SET
      "count" = CASE WHEN "RateLimit"."windowStart" <= now() - make_interval(secs => ${windowMs / 1000})
                     THEN 1 ELSE "RateLimit"."count" + 1 END,
      "windowStart" = CASE WHEN "RateLimit"."windowStart" <= now() - make_interval(secs => ${windowMs / 1000})
                     THEN now() ELSE "RateLimit"."windowStart" END
    RETURNING "count", "windowStart"`;
  // About one call in a hundred also drops counters whose window ended a day ago (no cron needed).
  if (Math.random() < 0.01) await prisma.rateLimit.deleteMany({ where: { windowStart: { lt: new Date(Date.now() - 86_400_000) } } });
  const row = rows[0]!;
  const count = Number(row.count);
  return { key, allowed: count <= limit, count, resetAt: new Date(row.windowStart.getTime() + windowMs) };
}

export async function releaseAttempt(attempt: Attempt): Promise<void> {
  const prisma = await db();
  await prisma.rateLimit.updateMany({ where: { key: attempt.key, count: { gt: 0 } }, data: { count: { decrement: 1 } } });
}

export const limits = {
  passwordPerEmail: { limit: 10, windowMs: 15 * 60_000 },
  passwordPerIp: { limit: 50, windowMs: 15 * 60_000 },
  secondFactorPerUser: { limit: 10, windowMs: 15 * 60_000 },
  resetPerEmail: { limit: 5, windowMs: 60 * 60_000 },
  signupPerIp: { limit: 20, windowMs: 60 * 60_000 },
} as const;
