import { currentSession } from "@/lib/auth/session";
import { ErrorCode, errorMessages } from "@/lib/errors";
import { uncachedJson } from "@/lib/http/uncached-json";

/**
 * The signed-in user's public profile; 401 for anyone else (including a half-finished sign-in), and
 * 403 for a user an account requires to set up 2FA first.
 */
export async function GET() {
  const session = await currentSession();
  if (!session) return uncachedJson({ error: "Not signed in.", code: ErrorCode.notSignedIn }, 401);
  if (session.mustEnrol) {
    return uncachedJson({ error: errorMessages.enrolment_required, code: ErrorCode.enrolmentRequired }, 403);
  }
  const { user, policy } = session;
  return uncachedJson({ id: user.id, email: user.email, name: user.name, twoFactor: policy.hasSecondFactor });
}
