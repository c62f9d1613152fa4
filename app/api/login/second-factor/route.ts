import { z } from "zod";
import { setSessionClaimsCookie } from "@/lib/auth/session-cookie";
import { readChallengeCookie, rememberThisBrowser, signInWithSecondFactor } from "@/lib/auth/sign-in";
import { jsonEndpoint } from "@/lib/http/json-endpoint";
import { proofSchema } from "@/lib/two-factor/proof";

const secondStep = proofSchema.and(z.object({ remember: z.boolean().optional() }));

/**
 * Step 2 of /login: the user is the login challenge's (httpOnly cookie), never one named by the
 * request. A right factor ends the sign-in here: the session cookie comes with this answer, so the
 * browser asks next-auth for nothing more (`signedIn`). A JSON route rather than a server action, to
 * spare it the proxy (lib/http/json-endpoint).
 */
export const POST = jsonEndpoint(secondStep, async (proof, meta) => {
  const { user, result, claims } = await signInWithSecondFactor(await readChallengeCookie(), proof, meta);
  // "Don't ask again on this device", only after the factor was right.
  if (proof.remember) await rememberThisBrowser(user, meta);
  if (claims) await setSessionClaimsCookie(claims);
  return { recoveryCodesLeft: result.method === "recovery" ? result.remaining : null, signedIn: claims !== null };
});
