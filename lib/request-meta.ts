import { headers } from "next/headers";

export type RequestMeta = { ip: string | null; userAgent: string | null };

/** The client's address as the proxy in front of us reports it (first X-Forwarded-For hop). */
export async function requestMeta(): Promise<RequestMeta> {
  const h = await headers();
  const forwarded = h.get("x-forwarded-for")?.split(",")[0]?.trim();
  return { ip: forwarded || h.get("x-real-ip") || null, userAgent: h.get("user-agent") };
}
