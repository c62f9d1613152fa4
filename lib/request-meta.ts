import { headers } from "next/headers";
import { env } from "@/lib/env";

export type RequestMeta = {
  ip: string | null;
  userAgent: string | null;
  /** Where links in emails point: NEXTAUTH_URL (required in production), else this request's host. */
  origin?: string;
};

/** The client's address as the proxy in front of us reports it (first X-Forwarded-For hop). */
export async function requestMeta(): Promise<RequestMeta> {
  const h = await headers();
  const forwarded = h.get("x-forwarded-for")?.split(",")[0]?.trim();
  const host = h.get("host");
  const origin = env().appUrl?.replace(/\/$/, "") ?? (host ? `${h.get("x-forwarded-proto") ?? "http"}://${host}` : undefined);
  return { ip: forwarded || h.get("x-real-ip") || null, userAgent: h.get("user-agent"), origin };
}
