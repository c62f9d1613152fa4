"use server";
import { z } from "zod";
import { authedAction, enrolmentAction } from "@/lib/action";
import { requireRecentPassword } from "@/lib/auth/recent-password";
import { reissueSession } from "@/lib/auth/session-cookie";
import { startKeyRegistration } from "@/lib/two-factor/add-factor";
import { proofSchema } from "@/lib/two-factor/proof";
import { renameWebAuthnCredential } from "@/lib/two-factor/webauthn/credentials";
import { verifyWebAuthnRegistration } from "@/lib/two-factor/webauthn/registration";
import { removeWebAuthnCredential } from "@/lib/two-factor/webauthn/remove";
import { registrationResponseSchema, securityKeyNameSchema } from "@/lib/two-factor/webauthn/schema";

// Security keys and passkeys on the profile. Adding one is open during forced enrolment (/enrol) too.
const keyId = z.string().min(1).max(64);

// Adding a key needs the password lately in this session and, next to another factor, a proof of
// one (lib/two-factor/add-factor.ts), like the authenticator app (profile/actions.ts).
export const securityKeyOptions = enrolmentAction(
  z.object({ proof: proofSchema.optional() }),
  async ({ proof }, { user, session, meta }) => startKeyRegistration({ user, session, meta }, proof),
);

export const addSecurityKey = enrolmentAction(
  z.object({ name: securityKeyNameSchema, response: registrationResponseSchema }),
  async (input, { user, session, meta }) => {
    await requireRecentPassword(session);
    const { recoveryCodes, sessionVersion } = await verifyWebAuthnRegistration(user.id, input, meta, session.version);
    // The first factor ends the other sessions (as the authenticator app does); this one carries on.
    if (recoveryCodes) await reissueSession(session, sessionVersion);
    return { recoveryCodes };
  },
);

export const renameSecurityKey = authedAction(
  z.object({ id: keyId, name: securityKeyNameSchema }),
  async ({ id, name }, { user, session, meta }) => {
    await requireRecentPassword(session);
    return { name: await renameWebAuthnCredential(user.id, id, name, meta) };
  },
);

export const removeSecurityKey = authedAction(
  z.object({ id: keyId, proof: proofSchema }),
  async ({ id, proof }, { user, session, meta }) => {
    const { sessionVersion } = await removeWebAuthnCredential(user.id, id, proof, meta);
    await reissueSession(session, sessionVersion);
    return { removed: true };
  },
);
