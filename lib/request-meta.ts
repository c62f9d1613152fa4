import { headers } from "next/headers";
import { clientAddress } from "@/lib/client-address";
import { env } from "@/lib/env";

export type RequestMeta = {
  ip: string | null;
  userAgent: string | null;
  /** Where links in emails point: NEXTAUTH_URL (required in production), else this request's host. */
  origin?: string;
};

/** The client's address as our server and the TRUSTED_PROXY_HOPS proxies saw it (lib/client-address). */
export async function requestMeta(): Promise<RequestMeta> {
  const h = await headers();
  const config = env();
  const host = h.get("host");
  const origin = config.appUrl?.replace(/\/$/, "") ?? (host ? `${h.get("x-forwarded-proto") ?? "http"}://${host}` : undefined);
  const ip = clientAddress(h, { trustedProxyHops: config.trustedProxyHops, vercel: config.onVercel });
  return { ip, userAgent: h.get("user-agent"), origin };
}
