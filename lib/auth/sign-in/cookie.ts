import "server-only";
import { cookies } from "next/headers";
import { env } from "@/lib/env";
import type { FactorKind, Requirement } from "@/lib/two-factor/proof";
import { policyFactsOf } from "@/lib/two-factor/policy";
import { rememberDaysOf } from "../remembered-devices";
import { CHALLENGE_TTL_MS, findChallenge } from "./challenge";

// __Host- cookies must be Secure, so the prefix is used only when the app is served over HTTPS.
export const challengeCookieName = () => (env().secureCookies ? "__Host-twofold.challenge" : "twofold.challenge");

export async function setChallengeCookie(token: string) {
  (await cookies()).set(challengeCookieName(), token, {
    httpOnly: true,
    sameSite: "lax",
    secure: env().secureCookies,
    path: "/",
    maxAge: CHALLENGE_TTL_MS / 1000,
  });
}

export async function readChallengeCookie(): Promise<string | undefined> {
  return (await cookies()).get(challengeCookieName())?.value;
}

export type OpenSignIn = { requirement: Requirement; email: string; rememberDays: number; kinds: FactorKind[] };

/**
 * The sign-in this browser has open (after an invitation, say): what it needs next, for /login to
 * resume. One already satisfied (a remembered device) needs nothing more than its session.
 */
export async function openSignIn(): Promise<OpenSignIn | null> {
  const challenge = await findChallenge(await readChallengeCookie());
  if (!challenge) return null;
  const { email } = challenge.user;
  if (challenge.satisfiedAt) return { requirement: "none", email, rememberDays: 0, kinds: [] };
  const requirement = challenge.requirement as Requirement;
  if (requirement !== "verify") return { requirement, email, rememberDays: 0, kinds: [] };
  // The same one query the password step read them with.
  const facts = await policyFactsOf(challenge.userId);
  // Every factor removed since the challenge opened: nothing left to answer it with (and the
  // challenge is refused at the grant anyway), so the browser starts again.
  if (!facts?.kinds.length) return null;
  return { requirement, email, rememberDays: rememberDaysOf(facts.rememberDeviceDays), kinds: facts.kinds };
}
