// Review 41 (sign-in and session lifecycle after f9c8633 and dbc48b3): each test shows a defect as a
// user or an attacker saw it; each failed on the code as reviewed and passes with its fix.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";
import { checkPassword } from "@/lib/auth/sign-in";
import { log } from "@/lib/log";
import { CHALLENGE_COOKIE, jar, pageOutcome, SESSION_COOKIE, signInWithPassword, signOut, stubPage } from "./browser";
import { freshDatabasePerFile } from "./database";
import { makeUser, meta, PASSWORD } from "./fixtures";

vi.mock("next/headers", async () => (await import("./browser")).nextHeaders);

const profile = await import("@/app/(app)/profile/actions");
const { postToAuth } = await import("@/components/auth/auth-post");

const { prisma } = freshDatabasePerFile();

beforeEach(() => jar.clear());
afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe("a session cookie from before a password change", () => {
  it("is refused everywhere, so it cannot sign the owner's re-issued session out either", async () => {
    const ada = await makeUser("Ada");
    // Ada's browser; an attacker copies its cookie (a shared computer, a leaked backup...).
    const { cookie: stolen, sid } = await signInWithPassword(ada.email);
    // Ada changes her password in that browser: the other sessions end, hers is re-issued (same record).
    expect(
      (await profile.changePasswordAction({ currentPassword: PASSWORD, newPassword: "a brand new secret" })).ok,
    ).toBe(true);
    const adas = jar.get(SESSION_COOKIE)!;
    expect(adas).not.toBe(stolen);
    expect(await pageOutcome()).toBe("ok");

    // The attacker's copy is refused (as it should be)...
    jar.clear();
    jar.set(SESSION_COOKIE, stolen);
    expect(await pageOutcome()).toBe("/login");
    // ...but its Sign out still ends the record it names, which is Ada's re-issued session.
    jar.set(SESSION_COOKIE, stolen);
    await signOut();

    jar.clear();
    jar.set(SESSION_COOKIE, adas);
    const record = await prisma().session.findUniqueOrThrow({ where: { id: sid } });
    expect(record.revokedAt).toBeNull(); // fails: the dead cookie's sign-out revoked Ada's live record
    expect(await pageOutcome()).toBe("ok"); // (and Ada's own page would send her to /login)
  });
});

describe("the browser's exchange of a finished sign-in (components/auth/auth-post, dbc48b3)", () => {
  it("takes a sign-in that succeeded for one next-auth refused, when the page's address carries `csrf`", async () => {
    const ada = await makeUser("Ada");
    const { token } = await checkPassword(ada.email, PASSWORD, meta);
    jar.set(CHALLENGE_COOKIE, token);
    const origin = "http://localhost:3000";
    const { posts } = stubPage(origin);

    // The victim opened a link to /login?csrf=true (or any page address with that parameter); the
    // page posts its own address as the callbackUrl (finish-sign-in.ts), and next-auth answers with it.
    const url = await postToAuth("callback/challenge", `${origin}/login?csrf=true`);

    expect(jar.has(SESSION_COOKIE)).toBe(true); // the first post signed Ada in
    expect(url).not.toBeNull(); // fails: null, the page says "Sign-in could not be completed"
    expect(posts).toEqual(["callback/challenge"]); // fails too: a second exchange of the spent challenge
  });
});

describe("next-auth's /api/auth/_log", () => {
  it("takes no error log lines from anyone (a cross-site form, no session, no CSRF token)", async () => {
    const { POST } = await import("@/app/api/auth/[...nextauth]/route");
    const errors = vi.spyOn(log, "error");
    const fields = {
      level: "error",
      code: "SIGNIN_OAUTH_ERROR",
      message: "Database credentials rejected; see https://evil.example/fix",
    };
    // Before: the app's route let it through to next-auth, which handed the body to the app's logger
    // (`next_auth.error` at error level, with the sender's fields, as often as sent).
    const request = new NextRequest("http://localhost:3000/api/auth/_log", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://evil.example" },
      body: new URLSearchParams(fields),
    });
    const answer = await POST(request, { params: Promise.resolve({ nextauth: ["_log"] }) });
    expect(answer.status).toBe(404);
    expect(errors.mock.calls).toEqual([]);
  });
});
