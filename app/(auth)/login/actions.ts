"use server";
import { z } from "zod";
import { action } from "@/lib/action";
import {
  beginChallengeEnrolment,
  beginChallengeKeyEnrolment,
  beginSignIn,
  challengeFactorOptions,
  finishChallengeEnrolment,
  finishChallengeKeyEnrolment,
  openSignIn,
  readChallengeCookie,
  verifyCredentials,
} from "@/lib/auth/sign-in";
import { emailSchema } from "@/lib/auth/users";
import { totpCodeSchema } from "@/lib/two-factor/proof";
import { registrationResponseSchema, securityKeyNameSchema } from "@/lib/two-factor/webauthn/schema";

const passwordStep = z.object({ email: emailSchema, password: z.string().min(1, "Enter your password.").max(256) });

/** Step 1. Leaves an httpOnly challenge cookie; no session exists yet. Says what step 2 offers. */
export const submitPassword = action(passwordStep, async ({ email, password }, meta) => {
  const user = await verifyCredentials(email, password, meta);
  // Field by field: this answer reaches a browser that has not finished signing in.
  const { requirement, graceUntil, rememberDays, kinds } = await beginSignIn(user.id, meta);
  return { requirement, graceUntil: graceUntil?.toISOString() ?? null, rememberDays, kinds };
});

/** A security key's options for this sign-in: bound to the login challenge the cookie names. */
export const secondFactorOptions = action(z.object({ kind: z.enum(["webauthn"]) }), async ({ kind }) =>
  challengeFactorOptions(await readChallengeCookie(), kind),
);

/** Forced enrolment (an account enforces 2FA and the user has none): the secret for the QR code. */
export const startLoginEnrolment = action(z.object({}), async () => {
  const { secret, uri } = await beginChallengeEnrolment(await readChallengeCookie());
  return { secret, uri };
});

export const finishLoginEnrolment = action(z.object({ code: totpCodeSchema }), async ({ code }, meta) => {
  return finishChallengeEnrolment(await readChallengeCookie(), code, meta);
});

/** Forced enrolment with a security key: registration options, then the key's answer and its name. */
export const startLoginKeyEnrolment = action(z.object({}), async () =>
  beginChallengeKeyEnrolment(await readChallengeCookie()),
);

export const finishLoginKeyEnrolment = action(
  z.object({ name: securityKeyNameSchema, response: registrationResponseSchema }),
  async (input, meta) => finishChallengeKeyEnrolment(await readChallengeCookie(), input, meta),
);

/**
 * What this browser's open sign-in asks for now. A sign-in that needed nothing more may need enrolment
 * by the time it finishes (an admin enforced 2FA meanwhile): the page asks here and carries on.
 */
export const resumeSignIn = action(z.object({}), async () => {
  const open = await openSignIn();
  return open && { requirement: open.requirement, rememberDays: open.rememberDays, kinds: open.kinds };
});
