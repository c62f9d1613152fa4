// Where to send the browser after sign-in or enrolment, from a value the request supplied. Used on the
// server and in the browser, so it has no server-only imports.

const MAX_LENGTH = 2048;

/**
 * A same-origin path for an untrusted redirect target, or `fallback`. The target goes through the
 * WHATWG URL parser against our origin, exactly as a browser would read it (tabs and newlines
 * dropped, `\` read as `/`, `//host`, `javascript:` …); only a result on our origin is kept, and only
 * its path, query and fragment, re-serialised by the parser, are returned.
 */
export function safeRedirectPath(target: unknown, origin: string, fallback?: string): string;
export function safeRedirectPath(target: unknown, origin: string, fallback: null): string | null;
export function safeRedirectPath(target: unknown, origin: string, fallback: string | null = "/profile"): string | null {
  if (typeof target !== "string" || target === "" || target.length > MAX_LENGTH) return fallback;
  let base: URL;
  let url: URL;
  try {
    base = new URL(origin);
    url = new URL(target, base);
  } catch {
    return fallback;
  }
  if (url.origin !== base.origin || url.username || url.password) return fallback;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // "/.//evil.example" normalises to the pathname "//evil.example", which on its own would be
  // read as another host: a path must start with exactly one slash.
  if (!path.startsWith("/") || path.startsWith("//")) return fallback;
  return path;
}
