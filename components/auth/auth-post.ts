let csrfToken: Promise<string | null> | null = null;

/**
 * next-auth's CSRF token, asked for once per page. Sign-in asks for it beside the password step, so
 * after the last step the browser waits for one request (the exchange), not two in a row.
 */
export function prefetchCsrfToken(): Promise<string | null> {
  csrfToken ??= fetch("/api/auth/csrf", { credentials: "same-origin" })
    .then(async (res) => (res.ok ? (((await res.json()) as { csrfToken?: string }).csrfToken ?? null) : null))
    .catch(() => null);
  return csrfToken;
}

/**
 * A form post to one of next-auth's own endpoints (`/api/auth/callback/challenge`, `/api/auth/signout`)
 * with its CSRF token, as `next-auth/react`'s signIn/signOut send it, without shipping that client
 * (its session provider, broadcast channel and regenerator runtime) to every page.
 * Resolves to where next-auth would send the browser, or null if it refused (`?error=` or a non-2xx).
 * A token that no longer matches the CSRF cookie (next-auth answers with its own sign-in or sign-out
 * page and `?csrf=true`: the cookie was replaced since the token was read), or one that could not be
 * had, is asked for again, once. Only those pages count as this refusal: a callbackUrl of ours may
 * carry `csrf` too. `callbackUrl` should not carry `error`, which next-auth's refusals do.
 */
export async function postToAuth(endpoint: string, callbackUrl: string): Promise<string | null> {
  for (const retry of [false, true]) {
    if (retry) csrfToken = null;
    const token = await prefetchCsrfToken();
    if (!token) continue; // a lost or refused request: once more, afresh
    const res = await fetch(`/api/auth/${endpoint}`, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrfToken: token, callbackUrl, json: "true" }),
    });
    if (!res.ok) return null;
    const { url } = (await res.json().catch(() => ({}))) as { url?: string };
    if (!url) return null;
    const answer = new URL(url, window.location.origin);
    if (CSRF_REFUSALS.has(answer.pathname) && answer.searchParams.has("csrf")) continue;
    return answer.searchParams.has("error") ? null : url;
  }
  csrfToken = null;
  return null;
}

/** Where next-auth sends a post whose CSRF token it refused, for a sign-in and for a sign-out. */
const CSRF_REFUSALS = new Set(["/api/auth/signin", "/api/auth/signout"]);
