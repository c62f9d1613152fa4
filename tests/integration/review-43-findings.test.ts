// Findings of review 43 (2026-12-06). Each test failed on the code as reviewed and shows the defect as
// an attacker or a user saw it: the expectations are what the product answers since its fix.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";
import { enableEnforcement } from "@/lib/accounts/enforcement";
import { setRememberDeviceDays } from "@/lib/accounts/remember-days";
import { CHALLENGE_COOKIE, jar, SESSION_COOKIE, signInWithPassword, stubPage } from "./browser";
import { freshDatabasePerFile } from "./database";
import { makeUser, makeUserWithTwoFactor, meta, ownAccount, PASSWORD } from "./fixtures";
import { signInAs } from "./review-attack-helpers";
import { checkAuthRequest } from "@/lib/auth/auth-request";
import { checkPassword } from "@/lib/auth/sign-in";
import { RECENT_PASSWORD_MS } from "@/lib/auth/recent-password";
import { totpCode } from "@/lib/two-factor/totp";

vi.mock("next/headers", async () => (await import("./browser")).nextHeaders);
const authentication = await import("@/app/(app)/settings/authentication/actions");
const profile = await import("@/app/(app)/profile/actions");
const { postToAuth, prefetchCsrfToken } = await import("@/components/auth/auth-post");

const { prisma } = freshDatabasePerFile();
beforeEach(() => jar.clear());
afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const daysOf = async (accountId: string) =>
  (await prisma().account.findUniqueOrThrow({ where: { id: accountId } })).rememberDeviceDays;

describe("finding 1: an admin without 2FA raises an enforcing account's remember-device days with no proof", () => {
  // remember-days.ts lets an admin with no factor save longer days "since they apply only once 2FA is
  // enforced, which needs the admin's own". But the account may already enforce: an admin who joined
  // before enforcement is in its grace period, signed in, with no factor, and may use the settings.
  async function enforcingAccountWithGraceAdmin() {
    const owner = await makeUserWithTwoFactor("Owner");
    const accountId = await ownAccount(owner.user.id);
    const admin = await makeUser("Graceadmin");
    await prisma().membership.create({ data: { userId: admin.id, accountId, role: "admin" } });
    await setRememberDeviceDays(owner.user.id, accountId, 0, meta); // the owner: always ask
    await enableEnforcement(owner.user.id, accountId, 72, meta); // 72 hours for members to enrol
    return { owner, accountId, admin };
  }

  it("through the lib: 0 → 90 days saved with no second factor while the account enforces 2FA", async () => {
    const { accountId, admin } = await enforcingAccountWithGraceAdmin();
    const refused = await setRememberDeviceDays(admin.id, accountId, 90, meta).then(
      () => false,
      () => true,
    );
    expect({ refused, days: await daysOf(accountId) }).toEqual({ refused: true, days: 0 }); // fails: false, 90
  });

  it("through the action, from the grace admin's (stolen) session", async () => {
    const { accountId, admin } = await enforcingAccountWithGraceAdmin();
    await signInAs(admin, { stale: true });
    const result = await authentication.setRememberDays({ accountId, days: 90 });
    // The same admin cannot stop enforcement (no factor to prove) nor reset a member's 2FA
    // (ownTwoFactorFirst), yet may let every member's browsers skip 2FA for 90 days.
    expect({ ok: result.ok, days: await daysOf(accountId) }).toEqual({ ok: false, days: 0 }); // fails: ok, 90
  });
});

describe("finding 2: sign-out refused by next-auth for its CSRF token is taken for success (auth-post.ts)", () => {
  it("a CSRF cookie replaced since the token was read: 'signed out' while the session stays live", async () => {
    const ada = await makeUser("Ada");
    const { sid } = await signInWithPassword(ada.email);
    const origin = "http://localhost:3000";
    const { posts } = stubPage(origin);
    await prefetchCsrfToken(); // the page's cached token (auth-post caches it per page)
    // The CSRF cookie is replaced meanwhile (another tab, a cleared cookie): the case the retry is for.
    for (const name of [...jar.keys()]) if (name.includes("csrf-token")) jar.delete(name);

    const url = await postToAuth("signout", "/login");
    const record = await prisma().session.findUniqueOrThrow({ where: { id: sid } });
    // next-auth answers a sign-out with a bad token with `/api/auth/signout?csrf=true` (not `/signin`),
    // so postToAuth neither asks again nor refuses: the button navigates away as if signed out.
    expect({ url, posts, signedOut: record.revokedAt !== null, cookieKept: jar.has(SESSION_COOKIE) }).toEqual({
      url: `${origin}/login`,
      posts: ["signout", "signout"],
      signedOut: true,
      cookieKept: false,
    }); // fails: { url: ".../api/auth/signout?csrf=true", posts: ["signout"], signedOut: false, cookieKept: true }
  });
});

describe("finding 3: a setup opened inside the password window cannot be finished once the window closes (595b221)", () => {
  it("the code from the app the user just scanned is refused with password_required, which the scan step cannot answer", async () => {
    const ada = await makeUser("Ada");
    const { sid } = await signInAs(ada);
    const ago = (ms: number) =>
      prisma().session.update({ where: { id: sid }, data: { createdAt: new Date(Date.now() - ms) } });
    await ago(RECENT_PASSWORD_MS - 60_000); // signed in 9 minutes ago: the setup starts without asking again
    const started = await profile.startEnrolment({});
    expect(started.ok).toBe(true);
    // Two minutes to install an authenticator app and scan the QR code (the setup lives 10 minutes):
    // the sign-in and the setup both two minutes further back.
    await ago(RECENT_PASSWORD_MS + 60_000);
    const opened = await prisma().totpEnrolment.findUniqueOrThrow({ where: { userId: ada.id } });
    const twoMinutes = 120_000;
    await prisma().totpEnrolment.update({
      where: { userId: ada.id },
      data: {
        createdAt: new Date(opened.createdAt.getTime() - twoMinutes),
        expiresAt: new Date(opened.expiresAt.getTime() - twoMinutes),
      },
    });
    const pending = await prisma().totpEnrolment.findUniqueOrThrow({ where: { userId: ada.id } });
    expect(pending.expiresAt > new Date()).toBe(true);
    const enabled = await profile.enableTwoFactor({ code: await totpCode(started.data!.secret) });
    // The enrolment dialog's scan step shows the refusal as text (scan-step.tsx) and has no password
    // step there (enrolment-dialog.tsx asks for the password only at start): the user must cancel, and
    // the new start gives a new secret, so the entry just added to their app never works.
    expect({ ok: enabled.ok, code: enabled.code }).toEqual({ ok: true, code: undefined }); // fails: password_required
  });
});

describe("finding 4: a CSRF prefetch that failed fails the sign-in's exchange, with no fresh request (auth-post.ts)", () => {
  it("one lost GET /api/auth/csrf beside the password step: 'Sign-in could not be completed'", async () => {
    // A new page: a fresh copy of auth-post, whose per-page cache is empty.
    const fresh = "@/components/auth/auth-post?page=login";
    const page = (await import(/* @vite-ignore */ fresh)) as typeof import("@/components/auth/auth-post");
    const ada = await makeUser("Ada");
    const { token } = await checkPassword(ada.email, PASSWORD, meta);
    jar.set(CHALLENGE_COOKIE, token);
    const origin = "http://localhost:3000";
    const seen = stubPage(origin, { lostGets: 1 }); // the prefetch beside the password step is lost
    void page.prefetchCsrfToken(); // login-flow.tsx, beside submitPassword
    // Before dbc48b3 the exchange asked for its token itself; now it takes the cached failure.
    const url = await page.postToAuth("callback/challenge", "/dashboard");
    expect({ url, csrfGets: seen.gets, posts: seen.posts, signedIn: jar.has(SESSION_COOKIE) }).toEqual({
      url: `${origin}/dashboard`,
      csrfGets: 2,
      posts: ["callback/challenge"],
      signedIn: true,
    }); // fails: { url: null, csrfGets: 1, posts: [], signedIn: false }
  });
});

describe("finding 5: the route's checks read the raw path, next-auth the decoded params (auth-request.ts)", () => {
  // Next.js decodes each segment of a catch-all (next/dist/shared/lib/router/utils/route-matcher.js),
  // and next-auth takes its action from those params (next-auth/next/index.js), while checkAuthRequest
  // splits request.nextUrl.pathname, which keeps the escapes: its refusals are stepped around.
  /** What the route answers; a throw here means next-auth itself took the request (its cookies()). */
  const answerOf = (promise: Promise<Response>) =>
    promise.then(
      (r) => ({ status: r.status, reachedNextAuth: false }),
      () => ({ status: null, reachedNextAuth: true }),
    );

  it("/api/auth/%5Flog: next-auth's logger endpoint, which the 404 of 595b221 was for", async () => {
    const { POST } = await import("@/app/api/auth/[...nextauth]/route");
    const logPost = () =>
      new NextRequest("http://localhost:3000/api/auth/%5Flog", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://evil.example" },
        body: new URLSearchParams({ level: "error", code: "SIGNIN_OAUTH_ERROR", message: "see https://evil.example" }),
      });
    const request = logPost();
    expect(request.nextUrl.pathname).toBe("/api/auth/%5Flog"); // what the check splits
    expect.soft(await checkAuthRequest(logPost())).toMatchObject({ ok: false, status: 404 }); // fails: ok
    // What Next.js hands the route for that path:
    const answer = await answerOf(POST(request, { params: Promise.resolve({ nextauth: ["_log"] }) }));
    expect(answer).toEqual({ status: 404, reachedNextAuth: false }); // fails: next-auth took it
  });

  it("GET /api/auth/%63allback/challenge: past the 405, to next-auth's HTTP 500", async () => {
    const request = new NextRequest("http://localhost:3000/api/auth/%63allback/challenge");
    expect(await checkAuthRequest(request)).toMatchObject({ ok: false, status: 405 }); // fails: ok
  });
});
