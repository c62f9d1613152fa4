import { z } from "zod";
import { readChallengeCookie, rememberThisBrowser, verifyChallengeSecondFactor } from "@/lib/auth/sign-in";
import { jsonEndpoint } from "@/lib/http/json-endpoint";
import { proofSchema } from "@/lib/two-factor/proof";

const secondStep = proofSchema.and(z.object({ remember: z.boolean().optional() }));

/**
 * Step 2 of /login: the user is the login challenge's (httpOnly cookie), never one named by the
 * request. A JSON route rather than a server action, to spare it the proxy (lib/http/json-endpoint).
 */
export const POST = jsonEndpoint(secondStep, async (proof, meta) => {
  const { user, result } = await verifyChallengeSecondFactor(await readChallengeCookie(), proof, meta);
  // "Don't ask again on this device", only after the factor was right.
  if (proof.remember) await rememberThisBrowser(user, meta);
  return { recoveryCodesLeft: result.method === "recovery" ? result.remaining : null };
});
