import { NextResponse } from "next/server";
import { currentSession } from "@/lib/auth/session";
import { ErrorCode, errorMessages } from "@/lib/errors";

/**
 * The signed-in user's public profile; 401 for anyone else (including a half-finished sign-in), and
 * 403 for a user an account requires to set up 2FA first.
 */
export async function GET() {
  const session = await currentSession();
  if (!session) return NextResponse.json({ error: "Not signed in.", code: ErrorCode.notSignedIn }, { status: 401 });
  if (session.mustEnrol) {
    return NextResponse.json(
      { error: errorMessages.enrolment_required, code: ErrorCode.enrolmentRequired },
      { status: 403 },
    );
  }
  const { user, policy } = session;
  return NextResponse.json({ id: user.id, email: user.email, name: user.name, twoFactor: policy.hasSecondFactor });
}
