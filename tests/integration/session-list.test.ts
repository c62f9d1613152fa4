// The profile's Sessions card: a user sees their own live sessions and can end the others, and
// nobody else's. Driven through the real server actions (zod → signed-in user → lib → audit), the
// app's next-auth options, /api/me and the page guard, with each "browser" a session cookie.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { requestPasswordReset, resetPassword, resetTokenIsUsable } from "@/lib/auth/password";
import { listSessions, sessionHandle } from "@/lib/auth/session-list";
import { checkPassword } from "@/lib/auth/sign-in";
import { redeemChallenge } from "@/lib/auth/sign-in/challenge";
import { describeAuditEvent } from "@/lib/audit-words";
import { ErrorCode } from "@/lib/errors";
import { jar, pageOutcome, SESSION_COOKIE, signInWithPassword, signOut } from "./browser";
import { freshDatabasePerFile } from "./database";
import { mailsTo, makeUser, meta, PASSWORD } from "./fixtures";

vi.mock("next/headers", async () => (await import("./browser")).nextHeaders);

const sessions = await import("@/app/(app)/profile/session-actions");
const profile = await import("@/app/(app)/profile/actions");
const { GET: apiMe } = await import("@/app/api/me/route");

const { prisma } = freshDatabasePerFile();
const CHROME_LINUX =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36";

beforeEach(() => jar.clear());
afterEach(() => vi.useRealTimers());

/** A fresh browser signs in; returns its cookie and record id. The jar is left holding that browser. */
async function signIn(email: string, password = PASSWORD) {
  const browser = await signInWithPassword(email, password);
  return { ...browser, handle: sessionHandle(browser.sid) };
}

/** Switches the jar to a browser signed in earlier. */
const switchTo = (browser: { cookie: string }) => {
  jar.clear();
  jar.set(SESSION_COOKIE, browser.cookie);
};

const meStatus = async () => (await apiMe()).status;

/** Everything a request in a browser whose session was ended must meet. */
async function expectEnded(browser: { cookie: string }) {
  switchTo(browser);
  expect(await meStatus()).toBe(401);
  expect(await pageOutcome()).toBe("/login");
  expect(await profile.updateName({ name: "Still here?" })).toMatchObject({ ok: false, code: ErrorCode.notSignedIn });
}

const events = (actorId: string, type: string) => prisma().auditEvent.findMany({ where: { actorId, type } });

describe("the sessions list", () => {
  it("shows only the user's own sessions that a request would still accept, this device first", async () => {
    const ada = await makeUser("Ada");
    const bob = await makeUser("Bob");
    const before = await signIn(ada.email); // ended by the password change below
    const signedOut = await signIn(ada.email);
    await signOut();
    const here = await signIn(ada.email);
    const password = "a new secret!";
    expect((await profile.changePasswordAction({ currentPassword: PASSWORD, newPassword: password })).ok).toBe(true);
    here.cookie = jar.get(SESSION_COOKIE)!; // re-issued under the new version, same record
    const expired = await signIn(ada.email, password);
    await prisma().session.update({ where: { id: expired.sid }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const phone = await signIn(ada.email, password);
    await prisma().session.update({ where: { id: phone.sid }, data: { userAgent: CHROME_LINUX } });
    await signIn(bob.email);

    const list = await listSessions(ada.id, here.sid);
    expect(list.map((s) => s.handle)).toEqual([here.handle, phone.handle]);
    for (const gone of [before, signedOut, expired]) expect(list.map((s) => s.handle)).not.toContain(gone.handle);
    expect(list[0]).toMatchObject({ current: true, ip: "203.0.113.9", browser: "Unknown browser" });
    expect(list[1]).toMatchObject({ current: false, ip: "203.0.113.9", browser: "Chrome on Linux" });
    expect(list[1]!.signedInAt.getTime()).toBeLessThanOrEqual(Date.now());
    // The record's id, which the session cookie names, never leaves the server.
    expect(JSON.stringify(list)).not.toContain(here.sid);
    expect(JSON.stringify(list)).not.toContain(phone.sid);
  });

  it("notes activity at most once a minute, and the list shows it", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    const ada = await makeUser("Active");
    const laptop = await signIn(ada.email);
    const signedInAt = Date.now();
    const lastActive = async () => (await listSessions(ada.id, laptop.sid))[0]!.lastActiveAt.getTime();
    expect(Math.abs((await lastActive()) - signedInAt)).toBeLessThan(1000);

    // Requests within the minute only read: the time does not move.
    for (const seconds of [10, 30, 59]) {
      vi.setSystemTime(signedInAt + seconds * 1000);
      expect(await meStatus()).toBe(200);
      expect(Math.abs((await lastActive()) - signedInAt)).toBeLessThan(1000);
    }
    // Once a minute has passed, the next request writes it; parallel ones agree on one value.
    vi.setSystemTime(signedInAt + 61_000);
    expect(await Promise.all([meStatus(), meStatus(), meStatus()])).toEqual([200, 200, 200]);
    expect(await lastActive()).toBe(signedInAt + 61_000);
    vi.setSystemTime(signedInAt + 90_000);
    expect(await meStatus()).toBe(200);
    expect(await lastActive()).toBe(signedInAt + 61_000);
  });
});

describe("Sign out (one other session)", () => {
  it("ends that session everywhere and leaves this one", async () => {
    const ada = await makeUser("Ada");
    const other = await signIn(ada.email);
    const here = await signIn(ada.email);

    expect(await sessions.signOutSession({ handle: other.handle })).toMatchObject({ ok: true });
    expect(await meStatus()).toBe(200);
    expect((await listSessions(ada.id, here.sid)).map((s) => s.handle)).toEqual([here.handle]);
    const [event] = await events(ada.id, "session.revoked");
    expect(describeAuditEvent(event!.type, event!.details as Record<string, unknown>)).toEqual({
      title: "Signed out another session",
      sentence: "Unknown browser at 203.0.113.9",
    });

    // Signing out the same session again is refused, and says why.
    const again = await sessions.signOutSession({ handle: other.handle });
    expect(again).toMatchObject({ ok: false, code: ErrorCode.sessionNotFound });
    expect(again.error).toMatch(/already ended, or is not one of your other sessions/);
    await expectEnded(other);
  });

  it("a session of another user, by handle or by record id, changes nothing and gives a clear error", async () => {
    const ada = await makeUser("Ada");
    const bob = await makeUser("Bob");
    const bobs = await signIn(bob.email);
    const adas = await signIn(ada.email);

    for (const handle of [bobs.handle, bobs.sid, adas.handle]) {
      const refused = await sessions.signOutSession({ handle });
      expect(refused).toMatchObject({ ok: false, code: ErrorCode.sessionNotFound });
      expect(refused.error).toContain("Nothing was changed");
    }
    for (const handle of ["", "x".repeat(101)]) {
      expect(await sessions.signOutSession({ handle })).toMatchObject({ ok: false, code: ErrorCode.invalidInput });
    }
    expect(await sessions.signOutSession({})).toMatchObject({ ok: false, code: ErrorCode.invalidInput });

    expect(await meStatus()).toBe(200); // Ada's own session goes on
    expect((await prisma().session.findUniqueOrThrow({ where: { id: bobs.sid } })).revokedAt).toBeNull();
    switchTo(bobs);
    expect(await meStatus()).toBe(200);
    expect(await events(ada.id, "session.revoked")).toHaveLength(0);
  });

  it("is refused without a live session", async () => {
    const ada = await makeUser("Ada");
    const other = await signIn(ada.email);
    await signIn(ada.email);
    await signOut();
    expect(await sessions.signOutSession({ handle: other.handle })).toMatchObject({
      ok: false,
      code: ErrorCode.notSignedIn,
    });
    expect(await sessions.signOutOtherSessions({})).toMatchObject({ ok: false, code: ErrorCode.notSignedIn });
    switchTo(other);
    expect(await meStatus()).toBe(200);
  });
});

describe("Sign out other sessions", () => {
  it("ends every other session of this user, keeps this one, and touches no one else's", async () => {
    const ada = await makeUser("Ada");
    const bob = await makeUser("Bob");
    const bobs = await signIn(bob.email);
    const first = await signIn(ada.email);
    const second = await signIn(ada.email);
    const here = await signIn(ada.email);

    expect(await sessions.signOutOtherSessions({})).toMatchObject({ ok: true, data: { count: 2 } });
    expect(await meStatus()).toBe(200);
    expect(await pageOutcome()).toBe("ok");
    expect((await listSessions(ada.id, here.sid)).map((s) => s.handle)).toEqual([here.handle]);
    const [event] = await events(ada.id, "session.revoked_others");
    expect(describeAuditEvent(event!.type, event!.details as Record<string, unknown>)).toEqual({
      title: "Signed out other sessions",
      sentence: "2 sessions ended",
    });

    await expectEnded(first);
    await expectEnded(second);
    switchTo(bobs);
    expect(await meStatus()).toBe(200);
  });

  it("also ends a password-reset link sent before, which whoever saw it could otherwise still use", async () => {
    const ada = await makeUser("Ada");
    await signIn(ada.email); // the intruder's browser
    await requestPasswordReset(ada.email, meta);
    const seen = (await mailsTo(ada.email)).at(-1)!.text.match(/reset-password\/([\w-]+)/)![1]!;
    await signIn(ada.email);

    expect(await sessions.signOutOtherSessions({})).toMatchObject({ ok: true, data: { count: 1 } });
    expect(await meStatus()).toBe(200); // this browser goes on, under a new cookie
    expect(await resetTokenIsUsable(seen)).toBe(false);
    await expect(resetPassword(seen, "attacker's choice 123", meta)).rejects.toMatchObject({
      code: ErrorCode.invalidLink,
    });
    const [event] = await events(ada.id, "session.revoked_others");
    expect(describeAuditEvent(event!.type, event!.details as Record<string, unknown>).sentence).toBe(
      "1 session ended, and 1 password-reset link",
    );
  });

  it("also ends a sign-in between its password and its session, which would otherwise still give one", async () => {
    const ada = await makeUser("Ada");
    const { token } = await checkPassword(ada.email, PASSWORD, meta); // the intruder, not exchanged yet
    await signIn(ada.email);
    expect(await sessions.signOutOtherSessions({})).toMatchObject({ ok: true });
    expect(await redeemChallenge(token)).toBeNull();
  });

  it("counts in its audit event only the links it ended, not one a change of the session version ended before", async () => {
    const ada = await makeUser("Ada");
    await requestPasswordReset(ada.email, meta);
    await prisma().user.update({ where: { id: ada.id }, data: { sessionVersion: { increment: 1 } } }); // as 2FA turned on does
    await signIn(ada.email);
    await signIn(ada.email);
    expect(await sessions.signOutOtherSessions({})).toMatchObject({ ok: true, data: { count: 1 } });
    const [event] = await events(ada.id, "session.revoked_others");
    expect(describeAuditEvent(event!.type, event!.details as Record<string, unknown>).sentence).toBe("1 session ended");
  });
});
