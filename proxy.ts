import { NextResponse, type NextRequest } from "next/server";
import { refuseActionRequest } from "@/lib/http/action-request";
import { hasMalformedEncoding } from "@/lib/http/malformed-path";
import { setSecurityHeaders } from "@/lib/http/security-headers";
import { log, REQUEST_ID_HEADER, requestIdFrom } from "@/lib/log";

const PROTECTED = ["/profile", "/settings", "/enrol"];
const SESSION_COOKIES = ["next-auth.session-token", "__Secure-next-auth.session-token"];

/**
 * Security headers with a per-request CSP nonce, and a quick redirect for signed-out visitors of
 * app pages. The redirect is a convenience only: every page, route and action checks the session
 * itself on the server (lib/auth/session). Requests Next would answer with a 500 (a malformed
 * percent-encoding in the path, a server action request no browser sends) get a 4xx here.
 */
export async function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const n = nonce();
  const csp = contentSecurityPolicy(n);
  const requestHeaders = new Headers(request.headers);
  // Every log line of this request carries its id (lib/log), and the response names it for support.
  const requestId = requestIdFrom(request.headers.get(REQUEST_ID_HEADER));
  requestHeaders.set(REQUEST_ID_HEADER, requestId);
  requestHeaders.set("x-nonce", n);
  requestHeaders.set("content-security-policy", csp); // Next reads the nonce from here for its own scripts

  // Every path: any path without a route handler is answered by a page (the not-found page at
  // least), and pages take server actions. (A route handler taking uploads over the action body
  // limit would need an exception here.)
  const refusal = await refuseActionRequest(request);
  if (refusal) {
    await log.warn("request.refused", { requestId, status: refusal.status, reason: refusal.message, path: pathname });
    return withSecurityHeaders(
      new NextResponse(refusal.message, { status: refusal.status, headers: { "content-type": "text/plain" } }),
      csp,
      requestId,
    );
  }
  if (hasMalformedEncoding(pathname)) {
    const notFound = new URL("/404", request.url);
    return withSecurityHeaders(
      NextResponse.rewrite(notFound, { request: { headers: requestHeaders } }),
      csp,
      requestId,
    );
  }
  const hasSession = SESSION_COOKIES.some((name) => request.cookies.has(name));
  if (!hasSession && PROTECTED.some((p) => pathname === p || pathname.startsWith(`${p}/`))) {
    const url = new URL("/login", request.url);
    url.searchParams.set("callbackUrl", `${pathname}${search}`);
    return withSecurityHeaders(NextResponse.redirect(url), csp, requestId);
  }
  return withSecurityHeaders(NextResponse.next({ request: { headers: requestHeaders } }), csp, requestId);
}

function nonce() {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
}

function contentSecurityPolicy(n: string) {
  const dev = process.env.NODE_ENV !== "production";
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${n}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

function withSecurityHeaders(response: NextResponse, csp: string, requestId: string) {
  setSecurityHeaders(response.headers, csp, requestId);
  return response;
}

export const config = {
  // Every path but Next's static files (/favicon.ico too, which, there being none, renders the not-found
  // page) and sign-in's two JSON routes, which do what this does for themselves
  // (lib/http/json-endpoint): Next calling a proxy at all costs about 2 ms of CPU per request.
  matcher: [{ source: "/((?!_next/static|_next/image|api/login/(?:password|second-factor)$).*)" }],
};
