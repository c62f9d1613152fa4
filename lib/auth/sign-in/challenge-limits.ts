import { Prisma } from "@/lib/generated/prisma/client";

// The login challenge's limits, in a module that imports nothing else of the app's: factor modules read
// them (a security key's sign-in options check the challenge is still open) without an import cycle
// through the 2FA policy.
export const CHALLENGE_TTL_MS = 5 * 60_000;
export const CHALLENGE_MAX_ATTEMPTS = 5;

/**
 * A challenge still worth something, on "LoginChallenge" lc and its "User" u: not spent, not expired
 * (the database's clock), and issued under the user's session version now (a password change or reset,
 * a 2FA change, ends every sign-in under way). Each statement that claims, satisfies or spends one asks it.
 */
export const liveChallengeSql = Prisma.sql`lc."usedAt" IS NULL AND lc."expiresAt" > now()
  AND u."id" = lc."userId" AND u."sessionVersion" = lc."userVersion"`;
