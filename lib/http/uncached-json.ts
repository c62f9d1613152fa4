import { NextResponse } from "next/server";

/**
 * A JSON answer no browser cache or shared proxy keeps: for answers about one person or one secret
 * (a profile, a delivery run, the health report), and their refusals.
 */
export const uncachedJson = (body: object, status = 200) =>
  NextResponse.json(body, { status, headers: { "cache-control": "private, no-store" } });
