import { REQUEST_ID_HEADER } from "@/lib/log";

/** A JSON answer's policy: it loads nothing and is framed by no one. */
export const JSON_CSP = "default-src 'none'; frame-ancestors 'none'";

/** The headers every answer carries: proxy.ts sets them on pages and actions, lib/http/json-endpoint on its routes. */
export function setSecurityHeaders(headers: Headers, csp: string, requestId: string) {
  headers.set(REQUEST_ID_HEADER, requestId);
  headers.set("Content-Security-Policy", csp);
  headers.set("X-Frame-Options", "DENY");
  headers.set("X-Content-Type-Options", "nosniff");
  headers.set("Referrer-Policy", "strict-origin-when-cross-origin");
  headers.set("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
  if (process.env.NODE_ENV === "production") {
    headers.set("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
  }
}
