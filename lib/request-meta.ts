import { headers } from "next/headers";
import { clientAddress, forwardedEntries } from "@/lib/client-address";
import { env } from "@/lib/env";

export type RequestMeta = {
  ip: string | null;
  userAgent: string | null;
  /** Where links in emails point: NEXTAUTH_URL (required in production), else this request's host. */
  origin?: string;
  /** The signed-in session asking, in its actions: a prompt for a second factor counts wrong ones per session. */
  sessionId?: string;
};

let warnedAboutProxy = false;

/** The client's address as our server and the TRUSTED_PROXY_HOPS proxies saw it (lib/client-address). */
export async function requestMeta(): Promise<RequestMeta> {
  const h = await headers();
  const config = env();
  const host = h.get("host");
  const origin =
    config.appUrl?.replace(/\/$/, "") ?? (host ? `${h.get("x-forwarded-proto") ?? "http"}://${host}` : undefined);
  const ip = clientAddress(h, { trustedProxyHops: config.trustedProxyHops, vercel: config.onVercel });
  if (
    !warnedAboutProxy &&
    config.production &&
    !config.onVercel &&
    config.trustedProxyHops === 0 &&
    forwardedEntries(h) > 1
  ) {
    warnedAboutProxy = true;
    console.warn(
      "Twofold: a request arrived with X-Forwarded-For entries from before this server, and TRUSTED_PROXY_HOPS is 0. " +
        "If a proxy or load balancer is in front, set TRUSTED_PROXY_HOPS to the number of proxies: until then every client " +
        "behind it shares one address for per-IP limits. (A client sending the header itself also causes this; it is ignored.)",
    );
  }
  return { ip, userAgent: h.get("user-agent"), origin };
}
