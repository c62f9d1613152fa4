"use server";
import { z } from "zod";
import { action } from "@/lib/action";
import {
  beginChallengeEnrolment,
  beginSignIn,
  finishChallengeEnrolment,
  openSignIn,
  readChallengeCookie,
  verifyChallengeSecondFactor,
  verifyCredentials,
} from "@/lib/auth/sign-in";
import { emailSchema } from "@/lib/auth/users";
import { proofSchema, totpCodeSchema } from "@/lib/two-factor/proof";

const passwordStep = z.object({ email: emailSchema, password: z.string().min(1, "Enter your password.").max(256) });

/** Step 1. Leaves an httpOnly challenge cookie; no session exists yet. */
export const submitPassword = action(passwordStep, async ({ email, password }, meta) => {
  const user = await verifyCredentials(email, password, meta);
  const { requirement, graceUntil } = await beginSignIn(user.id, meta);
  return { requirement, graceUntil: graceUntil?.toISOString() ?? null };
});

/** Step 2. The user is the challenge's, never one named by the request. */
export const submitSecondFactor = action(proofSchema, async (proof, meta) => {
  const { result } = await verifyChallengeSecondFactor(await readChallengeCookie(), proof, meta);
  return { recoveryCodesLeft: result.method === "recovery" ? result.remaining : null };
});

/** Forced enrolment (an account enforces 2FA and the user has none): the secret for the QR code. */
export const startLoginEnrolment = action(z.object({}), async () => {
  const { secret, uri } = await beginChallengeEnrolment(await readChallengeCookie());
  return { secret, uri };
});

export const finishLoginEnrolment = action(z.object({ code: totpCodeSchema }), async ({ code }, meta) => {
  return finishChallengeEnrolment(await readChallengeCookie(), code, meta);
});

/**
 * What this browser's open sign-in asks for now. A sign-in that needed nothing more may need enrolment
 * by the time it finishes (an admin enforced 2FA meanwhile): the page asks here and carries on.
 */
export const resumeSignIn = action(z.object({}), async () => {
  const open = await openSignIn();
  return open && { requirement: open.requirement };
});
