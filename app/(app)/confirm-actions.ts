"use server";
import { z } from "zod";
import { authedAction } from "@/lib/action";
import { webAuthnAuthenticationOptions } from "@/lib/two-factor/webauthn/assertion";

/**
 * Options for confirming a change with a security key wherever a fresh second factor is asked
 * (removing a factor, turning 2FA off, regenerating recovery codes, stopping enforcement): a "confirm"
 * ceremony bound to the signed-in user and this session for 5 minutes, spent by the one proof check (verifySecondFactor).
 */
export const confirmKeyOptions = authedAction(z.object({}), async (_, { user, session }) =>
  webAuthnAuthenticationOptions(user.id, { sessionId: session.id }),
);
