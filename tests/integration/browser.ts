// A browser as the server sees it: a cookie jar behind `next/headers`, and next-auth's own endpoints
// (csrf, the challenge callback, session, signout) driven through next-auth with the app's options.
// Test files install the jar with:
//   vi.mock("next/headers", async () => (await import("./browser")).nextHeaders);
import NextAuth from "next-auth";
import { vi } from "vitest";
import { decode } from "next-auth/jwt";
import type { NextStep } from "@/components/auth/sign-in/sign-in-actions";
import type { ActionState } from "@/lib/action";

export const SESSION_COOKIE = "next-auth.session-token";
export const CHALLENGE_COOKIE = "twofold.challenge";

export const jar = new Map<string, string>();

export const nextHeaders = {
  headers: async () =>
    new Headers({ "x-forwarded-for": "203.0.113.9", host: "localhost:3000", "user-agent": "vitest browser" }),
  cookies: async () => ({
    get: (name: string) => (jar.has(name) ? { name, value: jar.get(name)! } : undefined),
    getAll: () => [...jar].map(([name, value]) => ({ name, value })),
    has: (name: string) => jar.has(name),
    set: (name: string, value: string) => void jar.set(name, value),
    delete: (name: string) => void jar.delete(name),
  }),
};

type Answer = { status: number; body: unknown; redirect?: string };

/**
 * One request to next-auth's handler (its pages-router entry, which takes a plain request object;
 * the app-router entry differs only in reading the same values from next/headers). Set-Cookie
 * answers land in the jar, as a browser would keep them.
 */
export async function nextAuth(
  method: "GET" | "POST",
  action: string[],
  body?: Record<string, string>,
): Promise<Answer> {
  const answer: Answer = { status: 200, body: undefined };
  const headers = new Map<string, unknown>();
  const res = {
    status(code: number) {
      answer.status = code;
      return res;
    },
    setHeader(name: string, value: unknown) {
      headers.set(name.toLowerCase(), value);
      if (name.toLowerCase() === "location") answer.redirect = String(value);
      return res;
    },
    getHeader: (name: string) => headers.get(name.toLowerCase()),
    end() {},
    json(value: unknown) {
      answer.body = value;
    },
    send(value: unknown) {
      answer.body = value;
    },
  };
  const req = {
    method,
    query: { nextauth: action },
    body: body ?? {},
    cookies: Object.fromEntries(jar),
    headers: { host: "localhost:3000", "x-forwarded-for": "203.0.113.9", "user-agent": "vitest browser" },
  };
  // Imported here, not above: the options read next/headers, which this module stands in for.
  const { authOptions } = await import("@/lib/auth/options");
  await (NextAuth as unknown as (req: unknown, res: unknown, options: unknown) => Promise<void>)(
    req,
    res,
    authOptions(),
  );
  const setCookies = headers.get("set-cookie");
  for (const line of (Array.isArray(setCookies) ? setCookies : setCookies ? [setCookies] : []) as string[]) {
    const [pair, ...attributes] = line.split(";");
    const [name, ...rest] = pair!.split("=");
    const value = decodeURIComponent(rest.join("="));
    const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a));
    if (!value || expired) jar.delete(name!.trim());
    else jar.set(name!.trim(), value);
  }
  return answer;
}

export async function csrfToken() {
  return ((await nextAuth("GET", ["csrf"])).body as { csrfToken: string }).csrfToken;
}

/** What the sign-in page does last: exchange the finished challenge (its cookie) for a session. */
export async function finishSignIn(): Promise<boolean> {
  await nextAuth("POST", ["callback", "challenge"], { csrfToken: await csrfToken(), json: "true" });
  return jar.has(SESSION_COOKIE);
}

/** The Sign out button. */
export async function signOut() {
  await nextAuth("POST", ["signout"], { csrfToken: await csrfToken(), json: "true" });
}

/** GET /api/auth/session: the session next-auth reports (and re-signs into the jar). */
export async function sessionEndpoint() {
  return (await nextAuth("GET", ["session"])).body as
    { uid?: string; expires?: string; mustEnrol?: true } | Record<string, never>;
}

/**
 * A fresh browser (an empty jar) signs in as a user who needs no second factor: the password step,
 * then the challenge exchanged for a session. The jar is left holding that browser's cookie.
 */
export async function signInWithPassword(email: string, password?: string) {
  const { checkPassword } = await import("@/lib/auth/sign-in");
  const { meta, PASSWORD } = await import("./fixtures");
  jar.clear();
  const { token, requirement } = await checkPassword(email, password ?? PASSWORD, meta);
  if (requirement !== "none") throw new Error(`${email} needs a second factor (${requirement}); sign in another way`);
  jar.set(CHALLENGE_COOKIE, token);
  if (!(await finishSignIn())) throw new Error(`no session cookie for ${email}`);
  const cookie = jar.get(SESSION_COOKIE)!;
  const { sid } = (await decode({ token: cookie, secret: process.env.NEXTAUTH_SECRET! })) as { sid: string };
  return { cookie, sid };
}

/** Where a page sends this browser: "ok" if it renders, else the redirect's target. */
export async function pageOutcome() {
  const { requireUser } = await import("@/lib/auth/session");
  try {
    await requireUser();
    return "ok";
  } catch (error) {
    const digest = (error as { digest?: string }).digest ?? "";
    if (!digest.startsWith("NEXT_REDIRECT")) throw error;
    return digest.split(";")[2];
  }
}

/** Whether a browser holding `cookie` is signed in (a page renders for it); the jar is left as it was. */
export async function signedInWith(cookie: string | undefined) {
  const saved = new Map(jar);
  jar.clear();
  if (cookie) jar.set(SESSION_COOKIE, cookie);
  const outcome = await pageOutcome();
  jar.clear();
  for (const [name, value] of saved) jar.set(name, value);
  return outcome === "ok";
}

/** A POST to one of sign-in's JSON routes as a page of this site sends it; a header given as null is left out. */
export function siteRequest(path: string, body: BodyInit, headers: Record<string, string | null> = {}) {
  const origin = "http://localhost:3000";
  const sent = Object.entries({ host: "localhost:3000", origin, "content-type": "application/json", ...headers });
  return new Request(`${origin}${path}`, {
    method: "POST",
    headers: sent.filter((entry): entry is [string, string] => entry[1] !== null),
    body,
    ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
  } as RequestInit);
}

/** A sign-in step as the browser posts it to its JSON route (app/api/login/…): the ActionState it answers. */
async function postStep<T>(
  path: string,
  route: Promise<{ POST: (request: Request) => Promise<Response> }>,
  input: unknown,
) {
  const response = await (await route).POST(siteRequest(path, JSON.stringify(input)));
  return (await response.json()) as ActionState<T>;
}

/** The password step of /login (app/api/login/password). */
export const submitPassword = (input: { email: string; password: string }) =>
  postStep<NextStep & { graceUntil: string | null }>(
    "/api/login/password",
    import("@/app/api/login/password/route"),
    input,
  );

/** The second step of /login (app/api/login/second-factor). */
export const submitSecondFactor = (input: Record<string, unknown>) =>
  postStep<{ recoveryCodesLeft: number | null; signedIn: boolean }>(
    "/api/login/second-factor",
    import("@/app/api/login/second-factor/route"),
    input,
  );

/**
 * The page's `window` and `fetch` as components/auth/auth-post sees them, answered by the app's
 * next-auth handler as the server would, cookies in the jar. The first `lostGets` GETs are lost (503,
 * a network blip or a busy server). Counts the GETs and lists the posts (their path after /api/auth/).
 */
export function stubPage(origin: string, { lostGets = 0 } = {}) {
  const seen = { gets: 0, posts: [] as string[] };
  vi.stubGlobal("window", { location: { origin, href: `${origin}/login` } });
  vi.stubGlobal("fetch", async (input: string, init?: RequestInit) => {
    const path = new URL(input, origin).pathname.replace(/^\/api\/auth\//, "").split("/");
    if (!init?.method || init.method === "GET") {
      if (++seen.gets <= lostGets) return new Response("busy", { status: 503 });
      const answer = await nextAuth("GET", path);
      return Response.json(answer.body, { status: answer.status });
    }
    seen.posts.push(path.join("/"));
    const body = Object.fromEntries(new URLSearchParams(String(init.body)));
    const answer = await nextAuth("POST", path, body);
    return Response.json(answer.body, { status: answer.status });
  });
  return seen;
}
