// next-auth v4 answers some requests it cannot read with HTTP 500: a JSON body that does not parse
// (it parses it itself), a body field that is not a string, a callbackUrl (query or cookie) that is
// not an http(s) URL ("Invalid callback URL", reported as a server misconfiguration), a GET of a
// credentials provider's callback ("not supported"), and an error code it copies unencoded into a
// Location header (invalid beyond Latin-1). These are refused before next-auth sees them.
import { NextRequest } from "next/server";

export const CALLBACK_URL_COOKIES = ["next-auth.callback-url", "__Secure-next-auth.callback-url"];

export type AuthRequestCheck =
  { ok: true; request: NextRequest } | { ok: false; status: 400 | 404 | 405; error: string; clearCookies: string[] };

/** next-auth's own test for a callback URL (next-auth/core/lib/assert isValidHttpUrl). */
export function isHttpUrl(url: string): boolean {
  try {
    return /^https?:$/.test(new URL(url, url.startsWith("/") ? "http://localhost" : undefined).protocol);
  } catch {
    return false;
  }
}

/** next-auth's own test for a JSON body (next-auth/next/utils getBody). */
const isJson = (request: Request) =>
  request.method === "POST" && !!request.headers.get("content-type")?.includes("application/json");

function isObjectOfStrings(value: unknown): boolean {
  return (
    !!value &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === "string")
  );
}

/** /api/auth/error?error=X and /api/auth/error/X redirect to the sign-in page with X as it came. */
function errorCodes(request: NextRequest, [action, segment]: string[]): string[] {
  if (action !== "error") return [];
  return [...request.nextUrl.searchParams.getAll("error"), segment ?? ""].filter(Boolean);
}

/**
 * The path after /api/auth/ as next-auth reads it: Next.js hands a catch-all route its segments
 * decoded, so `/api/auth/%5Flog` is next-auth's `_log`. Null when a segment does not decode.
 */
function authRoute(request: NextRequest): string[] | null {
  try {
    return request.nextUrl.pathname.split("/").slice(3).map(decodeURIComponent);
  } catch {
    return null;
  }
}

/** The request to hand to next-auth (a JSON body read once and replayed), or why it is refused. */
export async function checkAuthRequest(request: NextRequest): Promise<AuthRequestCheck> {
  const route = authRoute(request);
  if (!route) return { ok: false, status: 400, error: "The path is not valid.", clearCookies: [] };
  // next-auth's client logger posts here; the app does not use it, and it would let anyone write
  // error lines into the server's log.
  if (route[0] === "_log") return { ok: false, status: 404, error: "Not found.", clearCookies: [] };
  // The only provider is a Credentials provider, whose callback takes a POST.
  if (request.method !== "POST" && route[0] === "callback")
    return { ok: false, status: 405, error: "Use POST.", clearCookies: [] };
  if (errorCodes(request, route).some((code) => !/^[A-Za-z0-9_-]{1,64}$/.test(code))) {
    return { ok: false, status: 400, error: "Unknown error code.", clearCookies: [] };
  }
  const badCookies = CALLBACK_URL_COOKIES.filter((name) => {
    const value = request.cookies.get(name)?.value;
    return value !== undefined && value !== "" && !isHttpUrl(value);
  });
  // The browser would send a bad cookie again and again: the refusal also clears it.
  if (badCookies.length)
    return { ok: false, status: 400, error: "The callback URL cookie is not a URL.", clearCookies: badCookies };
  if (request.nextUrl.searchParams.getAll("callbackUrl").some((url) => url !== "" && !isHttpUrl(url))) {
    return { ok: false, status: 400, error: "callbackUrl must be a URL of this site.", clearCookies: [] };
  }
  if (!isJson(request)) return { ok: true, request };
  const text = await request.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!isObjectOfStrings(body))
    return {
      ok: false,
      status: 400,
      error: "The request body must be a JSON object of strings or a form.",
      clearCookies: [],
    };
  return {
    ok: true,
    request: new NextRequest(request.url, { method: request.method, headers: request.headers, body: text }),
  };
}
