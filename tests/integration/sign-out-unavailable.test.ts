// Signing out while the database fails: next-auth catches an error of its signOut event (so that a
// browser can always drop its cookie) and answers as if the sign-out worked. The record would stay
// live while the user read "signed out"; a copy of the cookie would go on working once the database
// is back. Driven through the app's real /api/auth route, as the Sign out button posts to it.
import { createRequire } from "node:module";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { revokeSession } from "@/lib/auth/session-record";
import { csrfToken, jar, nextHeaders, SESSION_COOKIE, signInWithPassword } from "./browser";
import { freshDatabasePerFile } from "./database";
import { makeUser } from "./fixtures";

vi.mock("next/headers", async () => (await import("./browser")).nextHeaders);
vi.mock("@/lib/auth/session-record", async (original) => {
  const actual = await original<typeof import("@/lib/auth/session-record")>();
  return { ...actual, revokeSession: vi.fn(actual.revokeSession) };
});

// next-auth's app-route handler is CommonJS and requires next/headers itself, past vi.mock: the jar
// stands in for it in Node's own module cache while this file runs.
const require = createRequire(import.meta.url);
const headersPath = require.resolve("next/headers");
const realHeaders = require.cache[headersPath];
beforeAll(() => {
  require.cache[headersPath] = { ...(realHeaders ?? {}), exports: nextHeaders } as NodeJS.Module;
});
afterAll(() => {
  if (realHeaders) require.cache[headersPath] = realHeaders;
  else delete require.cache[headersPath];
});

const { POST } = await import("@/app/api/auth/[...nextauth]/route");
const { prisma } = freshDatabasePerFile();
beforeEach(() => jar.clear());

/** The Sign out button's request, through the app's route; Set-Cookie lands in the jar. */
async function signOutThroughRoute() {
  const body = new URLSearchParams({ csrfToken: await csrfToken(), callbackUrl: "/login", json: "true" });
  const request = new NextRequest("http://localhost:3000/api/auth/signout", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: "http://localhost:3000" },
    body,
  });
  const answer = await POST(request, { params: Promise.resolve({ nextauth: ["signout"] }) });
  for (const cookie of answer.headers.getSetCookie()) {
    const [pair] = cookie.split(";");
    const [name, value] = [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)];
    if (value) jar.set(name, value);
    else jar.delete(name);
  }
  return answer;
}

const recordOf = (sid: string) => prisma().session.findUniqueOrThrow({ where: { id: sid } });

describe("signing out while the database fails", () => {
  it("says the sign-out failed and keeps the cookie, so the user knows the session is live", async () => {
    const user = await makeUser("Leaving");
    const { sid } = await signInWithPassword(user.email);
    vi.mocked(revokeSession).mockRejectedValueOnce(new Error("Database error. Code: ECONNREFUSED"));

    const answer = await signOutThroughRoute();

    expect(answer.status).toBe(503);
    expect(await answer.json()).toEqual({ error: expect.stringMatching(/not signed out/i) });
    expect(jar.has(SESSION_COOKIE)).toBe(true);
    expect((await recordOf(sid)).revokedAt).toBeNull();
  });

  it("signs out as before once the database answers again", async () => {
    const user = await makeUser("Retrying");
    const { sid } = await signInWithPassword(user.email);
    vi.mocked(revokeSession).mockRejectedValueOnce(new Error("Database error. Code: ECONNREFUSED"));
    expect((await signOutThroughRoute()).status).toBe(503);

    const answer = await signOutThroughRoute();

    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ url: "http://localhost:3000/login" });
    expect(jar.has(SESSION_COOKIE)).toBe(false);
    expect((await recordOf(sid)).revokedAt).not.toBeNull();
  });
});
