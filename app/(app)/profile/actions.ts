"use server";
import { z } from "zod";
import { authedAction, enrolmentAction } from "@/lib/action";
import { reissueSession } from "@/lib/auth/session-cookie";
import { changePassword } from "@/lib/auth/password";
import { confirmPassword } from "@/lib/auth/recent-password";
import { nameSchema, passwordSchema } from "@/lib/auth/users";
import { db } from "@/lib/db";
import { startAppEnrolment } from "@/lib/two-factor/add-factor";
import { confirmEnrolment } from "@/lib/two-factor/factors/totp-enrolment";
import { disableTwoFactor, regenerateRecoveryCodes, removeAuthenticatorApp } from "@/lib/two-factor/manage";
import { proofSchema, totpCodeSchema } from "@/lib/two-factor/proof";

export const updateName = authedAction(z.object({ name: nameSchema }), async ({ name }, { user }) => {
  const prisma = await db();
  await prisma.user.update({ where: { id: user.id }, data: { name } });
  return { name };
});

const passwordChange = z.object({
  currentPassword: z.string().min(1, "Enter your current password.").max(256),
  newPassword: passwordSchema,
});

export const changePasswordAction = authedAction(passwordChange, async (input, { user, session, meta }) => {
  const version = await changePassword(user.id, input.currentPassword, input.newPassword, meta, session);
  await reissueSession(session, version); // this browser stays signed in; others end
  return { changed: true };
});

// The enrolment steps are the only actions open to a user an account requires to enrol. Adding a
// factor needs the password lately in this session (confirmPasswordAgain gives it when it is older)
// and, next to another factor, a proof of one (lib/two-factor/add-factor.ts).
export const confirmPasswordAgain = enrolmentAction(
  z.object({ password: z.string().min(1, "Enter your password.").max(256) }),
  async ({ password }, { session, meta }) => {
    await confirmPassword(session, password, meta);
    return { confirmed: true };
  },
);

export const startEnrolment = enrolmentAction(
  z.object({ proof: proofSchema.optional() }),
  async ({ proof }, { user, session, meta }) => {
    const { secret, uri } = await startAppEnrolment({ user, session, meta }, proof);
    return { secret, uri };
  },
);

export const enableTwoFactor = enrolmentAction(
  z.object({ code: totpCodeSchema }),
  async (input, { user, session, meta }) => {
    const { recoveryCodes, sessionVersion } = await confirmEnrolment(
      user.id,
      input.code,
      meta,
      session.version,
      session,
    );
    await reissueSession(session, sessionVersion);
    return { recoveryCodes };
  },
);

export const turnOffTwoFactor = authedAction(proofSchema, async (proof, { user, session, meta }) => {
  const sessionVersion = await disableTwoFactor(user.id, proof, meta);
  await reissueSession(session, sessionVersion);
  return { disabled: true };
});

/** The authenticator app alone; security keys and recovery codes stay (turnOffTwoFactor removes all). */
export const removeAuthenticator = authedAction(proofSchema, async (proof, { user, session, meta }) => {
  const { sessionVersion, twoFactorOff } = await removeAuthenticatorApp(user.id, proof, meta);
  await reissueSession(session, sessionVersion);
  return { twoFactorOff };
});

export const regenerateCodes = authedAction(proofSchema, async (proof, { user, session, meta }) => {
  const { recoveryCodes, sessionVersion } = await regenerateRecoveryCodes(user.id, proof, meta);
  await reissueSession(session, sessionVersion);
  return { recoveryCodes };
});
