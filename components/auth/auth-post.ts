/**
 * A form post to one of next-auth's own endpoints (`/api/auth/callback/challenge`, `/api/auth/signout`)
 * with its CSRF token, as `next-auth/react`'s signIn/signOut send it, without shipping that client
 * (its session provider, broadcast channel and regenerator runtime) to every page.
 * Resolves to where next-auth would send the browser, or null if it refused (`?error=` or a non-2xx).
 */
export async function postToAuth(endpoint: string, callbackUrl: string): Promise<string | null> {
  const csrf = await fetch("/api/auth/csrf", { credentials: "same-origin" });
  if (!csrf.ok) return null;
  const { csrfToken } = (await csrf.json()) as { csrfToken?: string };
  if (!csrfToken) return null;
  const res = await fetch(`/api/auth/${endpoint}`, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ csrfToken, callbackUrl, json: "true" }),
  });
  if (!res.ok) return null;
  const { url } = (await res.json().catch(() => ({}))) as { url?: string };
  if (!url || new URL(url, window.location.origin).searchParams.has("error")) return null;
  return url;
}
