import "server-only";
import { env, type Env } from "@/lib/env";

export type RelyingParty = { id: string; origin: string; name: string };

/**
 * Who keys are registered with: the host and origin of the configured app URL (NEXTAUTH_URL), never
 * a request's Host header, so a key registered here signs for this site only and an answer made on
 * any other origin is refused. Production requires NEXTAUTH_URL (lib/env); development without it
 * uses the same local default as the links in emails.
 */
export function relyingParty(config: Pick<Env, "appUrl" | "appName"> = env()): RelyingParty {
  const url = new URL(config.appUrl ?? "http://localhost:3000");
  return { id: url.hostname, origin: url.origin, name: config.appName };
}
