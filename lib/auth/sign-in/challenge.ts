import "server-only";
import { randomToken, sha256 } from "@/lib/crypto/tokens";
import { db } from "@/lib/db";
import { twoFactorPolicy } from "@/lib/two-factor/policy";
import type { Requirement } from "@/lib/two-factor/proof";

import { CHALLENGE_MAX_ATTEMPTS, CHALLENGE_TTL_MS } from "./challenge-limits";

export { CHALLENGE_MAX_ATTEMPTS, CHALLENGE_TTL_MS };

/**
 * Stores the state between password and second factor: a random token whose hash alone is stored.
 * Sign-ins open it through `startChallenge` (./open), which decides the requirement by the 2FA rule.
 */
export async function createChallenge(
  user: { id: string; sessionVersion: number },
  requirement: Requirement,
  ip: string | null,
  { satisfied = false }: { satisfied?: boolean } = {},
): Promise<string> {
  const prisma = await db();
  const token = randomToken();
  // Each sign-in clears the user's own spent challenges, so the table stays small without a job.
  await prisma.loginChallenge.deleteMany({
    where: { userId: user.id, expiresAt: { lt: new Date(Date.now() - CHALLENGE_TTL_MS) } },
  });
  await prisma.loginChallenge.create({
    data: {
      tokenHash: sha256(token),
      userId: user.id,
      userVersion: user.sessionVersion,
      requirement,
      ip,
      // Already satisfied only when a remembered device stands in for the second factor (./open).
      satisfiedAt: satisfied ? new Date() : null,
      expiresAt: new Date(Date.now() + CHALLENGE_TTL_MS),
    },
  });
  return token;
}

/**
 * The open challenge behind a token: unexpired, unused, under the attempt limit unless already
 * satisfied (the right code as the fifth attempt still counts), and issued under the user's current
 * session version (a password or 2FA change since then kills it).
 */
export async function findChallenge(token: string | undefined) {
  if (!token) return null;
  const prisma = await db();
  const challenge = await prisma.loginChallenge.findUnique({
    where: { tokenHash: sha256(token) },
    include: { user: { select: { id: true, email: true, name: true, sessionVersion: true } } },
  });
  if (
    !challenge ||
    challenge.usedAt ||
    challenge.expiresAt <= new Date() ||
    (challenge.attempts >= CHALLENGE_MAX_ATTEMPTS && !challenge.satisfiedAt) ||
    challenge.user.sessionVersion !== challenge.userVersion
  ) {
    return null;
  }
  return challenge;
}

/** Reserves one of the challenge's 5 attempts atomically; false once they are spent. */
export async function reserveChallengeAttempt(id: string): Promise<{ ok: boolean; attempts: number }> {
  const prisma = await db();
  const rows = await prisma.$queryRaw<{ attempts: number }[]>`
    UPDATE "LoginChallenge" SET "attempts" = "attempts" + 1
    WHERE "id" = ${id} AND "attempts" < ${CHALLENGE_MAX_ATTEMPTS} AND "usedAt" IS NULL
      AND "satisfiedAt" IS NULL AND "expiresAt" > now()
    RETURNING "attempts"`;
  return rows[0] ? { ok: true, attempts: Number(rows[0].attempts) } : { ok: false, attempts: CHALLENGE_MAX_ATTEMPTS };
}

export async function satisfyChallenge(id: string): Promise<void> {
  const prisma = await db();
  await prisma.loginChallenge.updateMany({ where: { id, satisfiedAt: null }, data: { satisfiedAt: new Date() } });
}

/**
 * Exchanges a finished challenge for the user it proves, exactly once. Only this call leads to a
 * session, and it needs the second factor (or enrolment) to be done when one was required.
 *
 * The 2FA rule is applied again here, not only when the password was checked: an admin may have
 * pressed Confirm (or a grace period ended) in between. Such a challenge now asks for what the rule
 * asks (enrolment, usually) and gives no session; the sign-in page resumes from it. Should enforcement
 * land after this check, the per-request check (lib/auth/session) stops the new session at enrolment.
 */
export async function redeemChallenge(token: string | undefined) {
  const challenge = await findChallenge(token);
  if (!challenge || (challenge.requirement !== "none" && !challenge.satisfiedAt)) return null;
  const prisma = await db();
  if (challenge.requirement === "none") {
    const { requirement } = await twoFactorPolicy(challenge.userId);
    if (requirement !== "none") {
      await prisma.loginChallenge.updateMany({
        where: { id: challenge.id, requirement: "none", usedAt: null },
        data: { requirement },
      });
      return null;
    }
  }
  const { count } = await prisma.loginChallenge.updateMany({
    where: { id: challenge.id, usedAt: null, user: { sessionVersion: challenge.userVersion } },
    data: { usedAt: new Date() },
  });
  return count === 1 ? challenge.user : null;
}
