import { timingSafeEqual } from "node:crypto";
import type { NextRequest } from "next/server";
import { env } from "@/lib/env";
import { uncachedJson } from "@/lib/http/uncached-json";
import { pollMail } from "@/lib/mail/poll";
import { defaultTransport } from "@/lib/mail/send";
import { purgeExpired } from "@/lib/purge";

export const dynamic = "force-dynamic";

function authorised(request: NextRequest, secret: string): boolean {
  const given = Buffer.from(request.headers.get("authorization") ?? "");
  const expected = Buffer.from(`Bearer ${secret}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Mail delivery (broadcasts expanded first) for hosts without a long-running server (Vercel Cron calls it with
 * `Authorization: Bearer $CRON_SECRET`). Absent unless CRON_SECRET is set. Such hosts run no timer
 * between requests, so expired rows are purged from here too (a few indexed statements when none are due).
 */
export async function GET(request: NextRequest) {
  const secret = env().cronSecret;
  if (!secret) return uncachedJson({ error: "Not found." }, 404);
  if (!authorised(request, secret)) return uncachedJson({ error: "Unauthorised." }, 401);
  const delivered = await pollMail(defaultTransport());
  return uncachedJson({ ...delivered, purged: await purgeExpired(undefined, { maxBatches: 5 }) });
}
