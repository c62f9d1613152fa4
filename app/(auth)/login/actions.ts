"use server";
import { z } from "zod";
import { action } from "@/lib/action";
import {
  beginChallengeEnrolment,
  beginChallengeKeyEnrolment,
  challengeFactorOptions,
  finishChallengeEnrolment,
  finishChallengeKeyEnrolment,
  openSignIn,
  readChallengeCookie,
} from "@/lib/auth/sign-in";
import { totpCodeSchema } from "@/lib/two-factor/proof";
import { registrationResponseSchema, securityKeyNameSchema } from "@/lib/two-factor/webauthn/schema";

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
