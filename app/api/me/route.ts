import { NextResponse } from "next/server";
import { currentSession } from "@/lib/auth/session";
import { ErrorCode, errorMessages } from "@/lib/errors";

/** One person's answer: no browser cache or shared proxy keeps it for the next person or the back button. */
const answer = (body: object, status = 200) =>
  NextResponse.json(body, { status, headers: { "cache-control": "private, no-store" } });

/**
 * The signed-in user's public profile; 401 for anyone else (including a half-finished sign-in), and
 * 403 for a user an account requires to set up 2FA first.
 */
export async function GET() {
  const session = await currentSession();
  if (!session) return answer({ error: "Not signed in.", code: ErrorCode.notSignedIn }, 401);
  if (session.mustEnrol) {
    return answer({ error: errorMessages.enrolment_required, code: ErrorCode.enrolmentRequired }, 403);
  }
  const { user, policy } = session;
  return answer({ id: user.id, email: user.email, name: user.name, twoFactor: policy.hasSecondFactor });
}
