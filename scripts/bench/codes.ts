// What the benchmark's clients need before they can send an accepted second step: a login challenge
// per request (created through lib/, as the password step would) and a TOTP code for a step the
// server has not accepted yet for that user. The replay rule allows one accepted code per user per
// step, so between runs the bench clears the users' last accepted step (outside any timing).
import { createChallenge } from "../../lib/auth/sign-in/challenge";
import { db } from "../../lib/db";
import { totpCode } from "../../lib/two-factor/totp";
import { stepNow, type LoadUser } from "../load/seed";

/** The user's next unused code: the step after the last one spent, from the current step to one ahead. */
export async function nextCode(user: LoadUser, secret = user.secret): Promise<string> {
  if (!secret) throw new Error(`${user.email} has no authenticator.`);
  const now = stepNow();
  const step = Math.max(user.lastStep + 1, now);
  if (step > now + 1) throw new Error(`No unused TOTP code left for ${user.email}: the run is too long for the users.`);
  user.lastStep = step;
  return totpCode(secret, step * 30_000 + 1_000);
}

/** Forgets every accepted step, so each user has two fresh codes again (now and the next step). */
export async function resetReplay(users: LoadUser[]): Promise<void> {
  const prisma = await db();
  await prisma.$executeRaw`UPDATE "User" SET "totpLastStep" = NULL`;
  for (const user of users) user.lastStep = 0;
}

/** One open "verify" challenge per request i, for users[i % users.length]; returns their tokens. */
export async function challenges(users: LoadUser[], count: number): Promise<string[]> {
  const prisma = await db();
  const versions = new Map(
    (await prisma.user.findMany({ select: { id: true, sessionVersion: true } })).map((u) => [u.id, u.sessionVersion]),
  );
  const tokens: string[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < count) {
        const i = next++;
        const user = users[i % users.length]!;
        tokens[i] = await createChallenge({ id: user.id, sessionVersion: versions.get(user.id)! }, "verify", null);
      }
    }),
  );
  return tokens;
}

/** A distinct client address per request (the server trusts one proxy hop), so no per-IP limit is shared. */
export const address = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
