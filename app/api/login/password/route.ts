import { z } from "zod";
import { beginSignIn, verifyCredentials } from "@/lib/auth/sign-in";
import { emailSchema } from "@/lib/auth/users";
import { jsonEndpoint } from "@/lib/http/json-endpoint";

const passwordStep = z.object({ email: emailSchema, password: z.string().min(1, "Enter your password.").max(256) });

/**
 * Step 1 of /login. Leaves an httpOnly challenge cookie; no session exists yet. Says what step 2
 * offers. A JSON route rather than a server action, to spare it the proxy (lib/http/json-endpoint).
 */
export const POST = jsonEndpoint(passwordStep, async ({ email, password }, meta) => {
  const user = await verifyCredentials(email, password, meta);
  // Field by field: this answer reaches a browser that has not finished signing in.
  const { requirement, graceUntil, rememberDays, kinds } = await beginSignIn(user, meta);
  return { requirement, graceUntil: graceUntil?.toISOString() ?? null, rememberDays, kinds };
});
