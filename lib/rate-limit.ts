import "server-only";
import { randomUUID } from "node:crypto";
import { db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { AppError, ErrorCode } from "@/lib/errors";

export type Attempt = {
  key: string;
  /** Names this reservation, so a success takes back its own and nothing else. */
  id: string;
  allowed: boolean;
  /** Reservations in the window, this one included when allowed. */
  count: number;
  /** The most the window holds: the failure that brings `count` to it starts the lockout. */
  limit: number;
  /** When the oldest reservation in the window leaves it: the next attempt is allowed from then. */
  resetAt: Date;
};

/**
 * Reserves one attempt for `key`: allowed while fewer than `limit` reservations were made in the
 * last `windowMs` (a sliding window, so no burst at a boundary gets more). One atomic upsert trims the
 * expired reservations and adds this one only if there is room, so parallel requests cannot pass the
 * limit. A refused attempt is not recorded. Callers release the reservation when the attempt succeeded,
 * so only failures count. Times are the database's clock, compared as timestamptz.
 */
export async function reserveAttempt(key: string, limit: number, windowMs: number): Promise<Attempt> {
  const prisma = await db();
  const id = randomUUID();
  const rows = await prisma.$queryRaw<{ allowed: boolean; count: number; resetAt: Date }[]>(
    reserveAttemptSql({ key: Prisma.sql`${key}::text`, id, limit, windowMs }),
  );
  // Rows whose window has passed are deleted by lib/purge.ts, in batches outside any request.
  const row = rows[0]!;
  return { key, id, allowed: row.allowed, count: Number(row.count), limit, resetAt: row.resetAt };
}

/**
 * reserveAttempt's statement, for callers that reserve inside a larger statement (a CTE): `key` is a
 * SQL text expression, evaluated for each row of `from` when given (no row: nothing is reserved).
 * Returns "key", "allowed", "count" and "resetAt".
 */
export function reserveAttemptSql({
  key,
  id,
  limit,
  windowMs,
  from,
}: {
  key: Prisma.Sql;
  id: string;
  limit: number;
  windowMs: number;
  from?: Prisma.Sql;
}): Prisma.Sql {
  const window = windowMs / 1000;
  if (!(limit >= 1) || !(window > 0)) throw new Error(`Invalid rate limit: ${limit} per ${windowMs} ms.`);
  return Prisma.sql`
    INSERT INTO "RateLimit" AS r ("key", "attempts", "expiresAt")
    SELECT ${key}, jsonb_build_array(jsonb_build_object('id', ${id}::text, 'at', now())), now() + make_interval(secs => ${window}::float8)
    ${from ? Prisma.sql`FROM ${from}` : Prisma.empty} WHERE true
    ON CONFLICT ("key") DO UPDATE SET
      "attempts" = (
        SELECT coalesce(jsonb_agg(a.e ORDER BY a.i), '[]'::jsonb)
          || CASE WHEN count(*) < ${limit}::int THEN EXCLUDED."attempts" ELSE '[]'::jsonb END
        FROM jsonb_array_elements(r."attempts") WITH ORDINALITY AS a(e, i)
        WHERE (a.e->>'at')::timestamptz > now() - make_interval(secs => ${window}::float8)
      ),
      "expiresAt" = EXCLUDED."expiresAt"
    RETURNING
      r."key",
      r."attempts" @> jsonb_build_array(jsonb_build_object('id', ${id}::text)) AS "allowed",
      jsonb_array_length(r."attempts") AS "count",
      (SELECT min((e->>'at')::timestamptz) FROM jsonb_array_elements(r."attempts") AS e) + make_interval(secs => ${window}::float8) AS "resetAt"`;
}

/** Takes back this reservation only (the attempt succeeded); other requests' failures still count. */
export async function releaseAttempt(attempt: Attempt): Promise<void> {
  if (!attempt.allowed) return;
  const prisma = await db();
  await prisma.$executeRaw(releaseAttemptSql(attempt));
}

/** releaseAttempt's statement, for a CTE; `onlyIf` is a condition the release also needs. */
export function releaseAttemptSql(attempt: Pick<Attempt, "key" | "id">, onlyIf: Prisma.Sql = Prisma.sql`true`) {
  return Prisma.sql`
    UPDATE "RateLimit" AS r SET "attempts" = (
      SELECT coalesce(jsonb_agg(a.e ORDER BY a.i), '[]'::jsonb)
      FROM jsonb_array_elements(r."attempts") WITH ORDINALITY AS a(e, i)
      WHERE a.e->>'id' <> ${attempt.id}
    )
    WHERE r."key" = ${attempt.key} AND r."attempts" @> jsonb_build_array(jsonb_build_object('id', ${attempt.id}::text))
      AND ${onlyIf}`;
}

/**
 * Releases several reservations (a success that had passed several limits, or the others when one of
 * them refused the attempt: nothing was tried) in one statement: each key loses its own reservation only.
 * The rows are locked in key order first: two releases of the same keys taking them in the order the
 * table happened to hold them (which every update changes) deadlocked now and then on PostgreSQL.
 */
export async function releaseAll(attempts: Attempt[]): Promise<void> {
  const allowed = attempts.filter((attempt) => attempt.allowed);
  if (allowed.length <= 1) return allowed[0] && releaseAttempt(allowed[0]);
  const prisma = await db();
  const keys = allowed.map((a) => a.key);
  const ids = allowed.map((a) => a.id);
  await prisma.$executeRaw`
    UPDATE "RateLimit" AS r SET "attempts" = (
      SELECT coalesce(jsonb_agg(a.e ORDER BY a.i), '[]'::jsonb)
      FROM jsonb_array_elements(r."attempts") WITH ORDINALITY AS a(e, i)
      WHERE NOT (a.e->>'id' = ANY (${ids}::text[]))
    )
    FROM (SELECT "key" FROM "RateLimit" WHERE "key" = ANY (${keys}::text[]) ORDER BY "key" FOR UPDATE) AS locked
    WHERE r."key" = locked."key"`;
}

type Limit = { limit: number; windowMs: number };

/**
 * Reserves one attempt under each limit, in order. At the first that refuses, the others are given
 * back (nothing was tried) and `refused` says which one, by its index in `keys`.
 */
export async function reserveEach(
  keys: readonly (readonly [key: string, limit: Limit, ...rest: unknown[]])[],
): Promise<{ reserved: Attempt[]; refused?: { attempt: Attempt; index: number } }> {
  const reserved: Attempt[] = [];
  for (const [index, [key, { limit, windowMs }]] of keys.entries()) {
    const attempt = await reserveAttempt(key, limit, windowMs);
    if (!attempt.allowed) {
      await releaseAll(reserved);
      return { reserved: [], refused: { attempt, index } };
    }
    reserved.push(attempt);
  }
  return { reserved };
}

/** The error for a refused attempt: what was limited, and from when it may be tried again. */
export function rateLimitedError(what: string, attempt: Attempt): AppError {
  return new AppError(ErrorCode.rateLimited, `${what} Try again after ${attempt.resetAt.toUTCString()}.`, {
    until: attempt.resetAt.toISOString(),
  });
}

export const limits = {
  /** Wrong passwords for one email from one client address: that address is locked out of it. */
  passwordPerEmailAndIp: { limit: 10, windowMs: 15 * 60_000 },
  /** Wrong passwords for one email from anywhere (a spread-out guessing run); addresses the user signed
   * in from recently are exempt, so strangers cannot lock the owner out (lib/auth/sign-in/password-step). */
  passwordPerEmail: { limit: 100, windowMs: 15 * 60_000 },
  passwordPerIp: { limit: 50, windowMs: 15 * 60_000 },
  /** Wrong second factors at sign-in (the second step), per user. */
  secondFactorPerUser: { limit: 10, windowMs: 15 * 60_000 },
  /** Wrong second factors in a signed-in session's prompts (turning 2FA off, removing a factor, …), apart
   * from sign-in's: per session, so a stolen cookie's guesses lock out neither the owner's sign-ins nor
   * their own session's prompts, and from all sessions together, so several cookies still get few. */
  secondFactorPerSession: { limit: 10, windowMs: 15 * 60_000 },
  secondFactorPromptsPerUser: { limit: 30, windowMs: 15 * 60_000 },
  resetPerEmail: { limit: 5, windowMs: 60 * 60_000 },
  signupPerIp: { limit: 20, windowMs: 60 * 60_000 },
  /** Wrong or used reset links: each right one costs an argon2 hash, so wrong ones are capped. */
  resetLinkPerIp: { limit: 10, windowMs: 15 * 60_000 },
  /** Wrong current passwords (changing it, entering it again) from one signed-in session, a stolen one say:
   * per session, so a thief's guesses do not lock the owner out of their own session's dialogs. */
  currentPasswordPerSession: { limit: 5, windowMs: 15 * 60_000 },
  /** The same from all of a user's sessions together, so several stolen cookies still get few guesses. */
  currentPasswordPerUser: { limit: 20, windowMs: 15 * 60_000 },
  /** Invitation emails, resends included: per person sending them and per account. */
  invitationsPerActor: { limit: 20, windowMs: 60 * 60_000 },
  invitationsPerAccount: { limit: 50, windowMs: 60 * 60_000 },
  /** Invitation emails to one address from one account, and from every account together: anyone can
   * sign up and invite, so the second is high enough that a stranger's account cannot use it up. */
  invitationsPerEmailFromAccount: { limit: 3, windowMs: 60 * 60_000 },
  invitationsPerEmail: { limit: 20, windowMs: 60 * 60_000 },
} as const;
