import "server-only";
import { randomUUID } from "node:crypto";
import { db } from "@/lib/db";
import { isForeignKeyViolation } from "@/lib/db/errors";
import { AppError, ErrorCode } from "@/lib/errors";
import type { Setup } from "../setup";

/**
 * What a ceremony's challenge is bound to: the user, and for a sign-in also one login challenge. A
 * confirmation is bound to the signed-in session asking too, when there is one: another session of
 * the user's (a stolen cookie, say) asking for options then never replaces the one this browser answers.
 */
export type CeremonyScope =
  | { purpose: "register" }
  | { purpose: "confirm"; sessionId?: string }
  | { purpose: "sign-in"; loginChallengeId: string };

/** The stored purpose: one open ceremony per user and stored purpose (the partial unique index). */
const storedPurpose = (scope: CeremonyScope) =>
  scope.purpose === "confirm" && scope.sessionId ? `confirm:${scope.sessionId}` : scope.purpose;

/**
 * Stores the challenge of options just issued. A newer ceremony of the same scope replaces the older
 * one (a sign-in has one per login challenge), so at most one answer is ever expected per scope, also
 * when options are asked for at once.
 * `setup`: for adding a key, what it is opened under (../setup.ts).
 */
export async function openCeremony(
  userId: string,
  scope: CeremonyScope,
  challenge: string,
  expiresAt: Date,
  setup?: Setup,
) {
  const prisma = await db();
  if (scope.purpose === "sign-in") {
    const data = { userId, purpose: scope.purpose, challenge, expiresAt, createdAt: new Date() };
    await prisma.webAuthnCeremony
      .upsert({
        where: { loginChallengeId: scope.loginChallengeId },
        create: { ...data, loginChallengeId: scope.loginChallengeId },
        update: data,
      })
      .catch((error: unknown) => {
        // The sign-in was ended meanwhile ("Sign out other sessions" deletes its challenge).
        if (isForeignKeyViolation(error)) throw new AppError(ErrorCode.challengeExpired);
        throw error;
      });
    return;
  }
  // One statement on the partial unique index of migration 20261205173000, so options asked for at
  // once leave one ceremony open rather than one each.
  await prisma.$executeRaw`
    INSERT INTO "WebAuthnCeremony" ("id", "userId", "purpose", "challenge", "expiresAt", "createdAt", "confirmedWith", "userVersion")
    VALUES (${randomUUID()}, ${userId}, ${storedPurpose(scope)}, ${challenge}, ${expiresAt}, ${new Date()},
      ${setup?.confirmedWith ?? null}::text, ${setup?.version ?? null}::int)
    ON CONFLICT ("userId", "purpose") WHERE "loginChallengeId" IS NULL DO UPDATE SET
      "challenge" = EXCLUDED."challenge", "expiresAt" = EXCLUDED."expiresAt", "createdAt" = EXCLUDED."createdAt",
      "confirmedWith" = EXCLUDED."confirmedWith", "userVersion" = EXCLUDED."userVersion"`;
}

/**
 * Takes the ceremony an answer names (by the challenge in its signed client data), at most once: one
 * conditional delete on the challenge, user, scope and expiry, so of parallel answers exactly one gets
 * it, and an answer made for another user's or another sign-in's ceremony gets nothing.
 */
export async function consumeCeremony(userId: string, scope: CeremonyScope, challenge: string): Promise<boolean> {
  const prisma = await db();
  const { count } = await prisma.webAuthnCeremony.deleteMany({
    where: {
      challenge,
      userId,
      purpose: storedPurpose(scope),
      loginChallengeId: scope.purpose === "sign-in" ? scope.loginChallengeId : null,
      expiresAt: { gt: new Date() },
    },
  });
  return count === 1;
}

/**
 * What the key registration whose ceremony carries this challenge was opened under (read before it
 * is taken); null for none, or one opened before setups carried a version.
 */
export async function registrationSetup(userId: string, challenge: string) {
  const prisma = await db();
  const found = await prisma.webAuthnCeremony.findFirst({
    where: { challenge, userId, purpose: "register" },
    select: { confirmedWith: true, userVersion: true },
  });
  return found?.userVersion == null ? null : { version: found.userVersion, confirmedWith: found.confirmedWith };
}
