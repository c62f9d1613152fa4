// Findings of review 52 (2026-12-06). Each test fails on the code as reviewed; the expectations are what
// the product should answer.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { currentSession } from "@/lib/auth/session";
import { renewSession } from "@/lib/auth/session-cookie";
import { listSessions, revokeOtherSessions } from "@/lib/auth/session-list";
import { RENEWAL_OVERLAP_S } from "@/lib/auth/session-record";
import { jar, SESSION_COOKIE, signOut, signedInWith } from "./browser";
import { freshDatabasePerFile } from "./database";
import { makeUserWithTwoFactor, meta, PASSWORD } from "./fixtures";
import { signInAs } from "./review-attack-helpers";

vi.mock("next/headers", async () => (await import("./browser")).nextHeaders);
const profile = await import("@/app/(app)/profile/actions");
const sessions = await import("@/app/(app)/profile/session-actions");

const { prisma } = freshDatabasePerFile();
beforeEach(() => jar.clear());

describe("finding 1: a request of this browser still in flight when the password is changed signs the browser out", () => {
  // The owner has two tabs open (or presses a second button without waiting): "Sign out other sessions"
  // in one, "Change password" in the other. The first request passed its session check at version v,
  // generation 0; then the password change lands and carries this browser's record over to version
  // v+1 (carrySessionOver), giving the browser a new cookie (v+1, generation 0). The first request
  // then renews the record (renewSession -> renewSessionRecord, lib/auth/session-record.ts): its
  // compare-and-set names the id and the generation only, never the version the asking cookie was
  // issued under, so it succeeds on the record now at v+1, bumps its generation to 1 and sets a cookie
  // (v, 1). Neither cookie names the record as it now is: the password change's (v+1, 0) is refused
  // for its generation, the renewal's (v, 1) for its version. Whichever answer the browser applies
  // last, the owner who just changed the password is signed out, and the record stays live with no
  // browser able to use it. A renewal should only move a record still at the version its cookie was
  // issued under; one that was carried over since has been renewed already, so its answer should
  // leave the browser's cookie alone (as for two renewals at once).
  it("Sign out other sessions in flight while the password change lands: the browser stays signed in", async () => {
    const owner = await makeUserWithTwoFactor("Owner");
    await signInAs(owner.user); // this browser, signed in just now (no password dialog needed)

    // Tab 1's "Sign out other sessions": its session check passes (signedInAction).
    const inFlight = (await currentSession())!;
    expect(inFlight).toBeTruthy();

    // Tab 2's "Change password" lands meanwhile.
    expect(
      await profile.changePasswordAction({ currentPassword: PASSWORD, newPassword: "a brand new passphrase" }),
    ).toMatchObject({ ok: true });
    const afterChange = jar.get(SESSION_COOKIE);
    expect(await signedInWith(afterChange)).toBe(true);

    // Tab 1's request carries on with what signOutOtherSessions does after its session check.
    await revokeOtherSessions(owner.user, inFlight, { ...meta, sessionId: inFlight.id });
    await renewSession(inFlight, { passwordEntered: false });

    // fails: { changeCookieStillWorks: false, browserSignedIn: false } (the record moved to generation 1
    // under version v+1; the browser holds (v, 1), the change's cookie is (v+1, 0))
    expect({
      changeCookieStillWorks: await signedInWith(afterChange),
      browserSignedIn: await signedInWith(jar.get(SESSION_COOKIE)),
    }).toEqual({ changeCookieStillWorks: true, browserSignedIn: true });
  });
});

describe("finding 2: Sign out pressed while a renewal is in flight leaves this browser's session live", () => {
  // "Sign out other sessions" (and entering the password again) renews the record's generation and
  // answers with a new cookie. A person who presses it because someone seems to be in the account, and
  // then at once Sign out in the menu (on a shared computer, leaving), sends the sign-out with the
  // cookie the browser had before the renewal's answer arrived. next-auth's signOut event calls
  // revokeSession (lib/auth/session-record.ts) with that cookie's claims, and revokeSession only ends
  // the record "under the token's version and generation": generation 0 no longer matches, so nothing
  // is ended, and the answer still says signed out. The renewal's cookie (generation 1) stays valid
  // for the rest of the 12 hours: if its answer is applied after the sign-out's, the browser is still
  // signed in after Sign out; either way the record stays live on the Sessions card. A sign-out should
  // end the record its cookie named even when a renewal of that very cookie landed just before it.
  it("after Sign out, the cookie of the renewal that raced it is refused and no session is left", async () => {
    const owner = await makeUserWithTwoFactor("Owner");
    const own = await signInAs(owner.user); // fresh: no password dialog

    // "Sign out other sessions": the server renews this browser's record; its answer is on the way.
    expect(await sessions.signOutOtherSessions({})).toMatchObject({ ok: true });
    const renewed = jar.get(SESSION_COOKIE)!;
    expect(renewed).not.toBe(own.token);

    // Sign out, sent before that answer arrived: with the cookie the browser had then.
    jar.set(SESSION_COOKIE, own.token);
    await signOut();
    expect(jar.has(SESSION_COOKIE)).toBe(false); // the browser was told it is signed out

    // fails: { renewedCookieWorks: true, liveSessions: 1 }
    expect({
      renewedCookieWorks: await signedInWith(renewed),
      liveSessions: (await listSessions(owner.user.id, own.sid)).length,
    }).toEqual({ renewedCookieWorks: false, liveSessions: 0 });
  });
});

describe("what the overlap after a renewal keeps", () => {
  it("an older cookie signs nothing out once the overlap is over, nor ever from two renewals back", async () => {
    const owner = await makeUserWithTwoFactor("Owner");
    const own = await signInAs(owner.user);
    expect(await sessions.signOutOtherSessions({})).toMatchObject({ ok: true });
    const first = jar.get(SESSION_COOKIE)!;
    expect(await sessions.signOutOtherSessions({})).toMatchObject({ ok: true });
    const current = jar.get(SESSION_COOKIE)!;

    // A copy from two renewals back, at once: refused, and the owner stays signed in.
    jar.set(SESSION_COOKIE, own.token);
    await signOut();
    // The copy one renewal back, after the overlap.
    const past = new Date(Date.now() - (RENEWAL_OVERLAP_S + 5) * 1000);
    await prisma().session.update({ where: { id: own.sid }, data: { renewedAt: past } });
    jar.set(SESSION_COOKIE, first);
    await signOut();

    expect(await signedInWith(current)).toBe(true);
    expect(await listSessions(owner.user.id, own.sid)).toHaveLength(1);
  });
});
