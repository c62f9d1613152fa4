"use server";
// The profile's Sessions card. The wrapper checks the session on the server; lib only ever touches
// the signed-in user's own records.
import { z } from "zod";
import { authedAction } from "@/lib/action";
import { renewSession } from "@/lib/auth/session-cookie";
import { revokeOtherSessions, revokeOwnSession } from "@/lib/auth/session-list";

const handle = z.string().trim().min(1, "Choose a session.").max(100, "That is not a session.");

export const signOutSession = authedAction(z.object({ handle }), async (input, { user, session, meta }) => {
  await revokeOwnSession(user, session, input.handle, meta);
  return { signedOut: true };
});

// Then this browser's cookie is renewed too: a copy of it (the current session, so not among the
// others) is refused from now on, whoever pressed the button because someone seemed to be in.
export const signOutOtherSessions = authedAction(z.object({}), async (_, { user, session, meta }) => {
  const result = await revokeOtherSessions(user, session, meta);
  await renewSession(session, { passwordEntered: false });
  return result;
});
