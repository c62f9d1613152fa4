import { AsyncLocalStorage } from "node:async_hooks";

/**
 * next-auth catches an error of its signOut event, so that a browser can always drop its cookie, and
 * answers as if the sign-out worked: with the database away, the session record would stay live while
 * the user read "signed out", and a copy of the cookie would work again once the database is back.
 * The event marks its request instead, and the request is answered with 503, the cookie kept.
 */
const signOuts = new AsyncLocalStorage<{ failed: boolean }>();

/** Runs one request of next-auth's; a sign-out in it that could not end its record is refused. */
export async function refuseFailedSignOut(handle: () => Promise<Response>): Promise<Response> {
  const request = { failed: false };
  const answer = await signOuts.run(request, handle);
  if (!request.failed) return answer;
  return Response.json(
    { error: "Not signed out: the session could not be ended. Please try again." },
    { status: 503, headers: { "cache-control": "no-store", "retry-after": "5" } },
  );
}

/** Called by the signOut event when ending the record failed. */
export function markSignOutFailed(): void {
  const request = signOuts.getStore();
  if (request) request.failed = true;
}
