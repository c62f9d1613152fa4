import type { ActionState } from "@/lib/action";
import { ErrorCode, errorMessages } from "@/lib/errors";
import type { Proof } from "@/lib/two-factor/proof";

/** Where the second step is answered (app/api/login/second-factor): a JSON route, not a server action. */
export const SECOND_FACTOR_PATH = "/api/login/second-factor";

const unexpected = { ok: false, error: errorMessages.unexpected, code: ErrorCode.unexpected } as const;

/** Step 2 of sign-in; `remember`: "Don't ask again on this device" was ticked. Answers as an action would. */
export async function submitSecondFactor(
  input: Proof & { remember?: boolean },
): Promise<ActionState<{ recoveryCodesLeft: number | null }>> {
  try {
    const response = await fetch(SECOND_FACTOR_PATH, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(input),
    });
    // Every answer of the route is an ActionState, refusals (4xx) included; anything else is not ours.
    if (!response.headers.get("content-type")?.startsWith("application/json")) return unexpected;
    return (await response.json()) as ActionState<{ recoveryCodesLeft: number | null }>;
  } catch {
    return unexpected; // offline, or the server went away mid-answer
  }
}
