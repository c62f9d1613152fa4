import type { ActionState } from "@/lib/action";
import { ErrorCode, UNEXPECTED_MESSAGE } from "@/lib/errors";
import type { Proof } from "@/lib/two-factor/proof";
import type { NextStep } from "./sign-in-actions";

// Sign-in's two steps that every sign-in takes are JSON routes (app/api/login/), not server actions:
// they are left out of proxy.ts, which costs about 2 ms of CPU a request (lib/http/json-endpoint).
export const PASSWORD_PATH = "/api/login/password";
export const SECOND_FACTOR_PATH = "/api/login/second-factor";

const unexpected = { ok: false, error: UNEXPECTED_MESSAGE, code: ErrorCode.unexpected } as const;

/** POSTs `input` as JSON; the answer is an ActionState, as a server action's would be. */
async function post<T>(path: string, input: unknown): Promise<ActionState<T>> {
  try {
    const response = await fetch(path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(input),
    });
    // Every answer of the routes is an ActionState, refusals (4xx) included; anything else is not ours.
    if (!response.headers.get("content-type")?.startsWith("application/json")) return unexpected;
    return (await response.json()) as ActionState<T>;
  } catch {
    return unexpected; // offline, or the server went away mid-answer
  }
}

/** Step 1: leaves the httpOnly challenge cookie and says what step 2 asks for. */
export const submitPassword = (input: { email: string; password: string }) =>
  post<NextStep & { graceUntil: string | null }>(PASSWORD_PATH, input);

/**
 * Step 2, against the challenge; `remember`: "Don't ask again on this device" was ticked. `signedIn`:
 * the answer set the session cookie (otherwise the challenge is exchanged through next-auth).
 */
export const submitSecondFactor = (input: Proof & { remember?: boolean }) =>
  post<{ recoveryCodesLeft: number | null; signedIn: boolean }>(SECOND_FACTOR_PATH, input);
