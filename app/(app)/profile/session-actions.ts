"use server";
// The profile's Sessions card. The wrapper checks the session on the server; lib only ever touches
// the signed-in user's own records.
import { z } from "zod";
import { authedAction } from "@/lib/action";
import { revokeOtherSessions, revokeOwnSession } from "@/lib/auth/session-list";

const handle = z.string().trim().min(1, "Choose a session.").max(100, "That is not a session.");

export const signOutSession = authedAction(z.object({ handle }), async (input, { user, session, meta }) => {
  await revokeOwnSession(user, session, input.handle, meta);
  return { signedOut: true };
});

export const signOutOtherSessions = authedAction(z.object({}), async (_, { user, session, meta }) =>
  revokeOtherSessions(user, session, meta),
);
