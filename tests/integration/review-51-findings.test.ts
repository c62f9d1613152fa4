// Findings of review 51 (2026-12-06). Each test fails on the code as reviewed; the expectations are what
// the product should answer.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { listSessions } from "@/lib/auth/session-list";
import { encodeSessionToken, sessionClaims } from "@/lib/auth/session-token";
import { checkPassword } from "@/lib/auth/sign-in";
import { limits, reserveAttempt } from "@/lib/rate-limit";
import { jar, SESSION_COOKIE, signedInWith } from "./browser";
import { freshDatabasePerFile } from "./database";
import { makeUserWithTwoFactor, meta, openTestSession, PASSWORD } from "./fixtures";
import { signInAs } from "./review-attack-helpers";

vi.mock("next/headers", async () => (await import("./browser")).nextHeaders);
const profile = await import("@/app/(app)/profile/actions");
const sessions = await import("@/app/(app)/profile/session-actions");

const { prisma } = freshDatabasePerFile();
beforeEach(() => jar.clear());

describe('finding 1: renewing a session changes its handle, so the owner\'s "Sign out" of a listed session misses it', () => {
  // Review 50 made the password entered again end the session record and open a successor with a new
  // id (lib/auth/session-record.ts renewSessionRecord). The Sessions card names each row by a hash of
  // the record's id (lib/auth/session-list.ts sessionHandle), and "Sign out" of a row
  // (revokeOwnSession) looks that hash up among the live records only. A thief holding a stolen cookie
  // and the (phished) password, but not the second factor, re-enters the password whenever it likes
  // (a right password is never limited): each time its session gets a new id and so a new handle. The
  // row the owner saw on /profile names a record that is already ended; "Sign out" answers "session
  // not found" and the thief's renewed session carries on, as long as it keeps renewing (one request a
  // second does). The handle should stay with the browser's session across renewals (or "Sign out"
  // should end the successors of the record it names): the row the owner clicked is signed out.
  it("the thief re-enters the password after the owner's page listed its session; the owner's Sign out still ends it", async () => {
    const owner = await makeUserWithTwoFactor("Owner");
    const thief = await signInAs(owner.user, { stale: true }); // stolen cookie (+ phished password)
    const own = await signInAs(owner.user); // the owner's own browser, signed in just now

    // The owner opens /profile: the thief's session is the other row.
    const rows = await listSessions(owner.user.id, own.sid);
    const thiefRow = rows.find((row) => !row.current)!;
    expect(rows).toHaveLength(2);

    // Meanwhile the thief enters the password again in its browser.
    jar.set(SESSION_COOKIE, thief.token);
    expect(await profile.confirmPasswordAgain({ password: PASSWORD })).toMatchObject({ ok: true });
    const thiefCookie = jar.get(SESSION_COOKIE);

    // The owner presses "Sign out" on that row.
    jar.set(SESSION_COOKIE, own.token);
    const answer = await sessions.signOutSession({ handle: thiefRow.handle });

    // fails: { signedOut: false, code: "session_not_found", thiefStillIn: true }
    expect({
      signedOut: answer.ok,
      code: answer.ok ? undefined : answer.code,
      thiefStillIn: await signedInWith(thiefCookie),
    }).toEqual({ signedOut: true, code: undefined, thiefStillIn: false });
  });
});

describe('finding 2: "Sign out other sessions" leaves a stolen copy of the current cookie alive unless the password was asked', () => {
  // Review 50's renewal signs out a stolen copy of this browser's cookie when the password is entered
  // again (the copy names the ended record). "Sign out other sessions" asks for the password only when
  // the session is older than 10 minutes (requireRecentPassword): then the retry runs in a renewed
  // session and the copy is over. In a session signed in (or confirmed) less than 10 minutes ago it is
  // not asked, nothing is renewed, and revokeOtherSessions (lib/auth/session-list.ts) ends every record
  // but the current one: the copy of the current cookie names the current record, so it survives the
  // very button the owner presses because they think someone is in their account. It is not listed
  // either (it is "this device"). "Sign out other sessions" should renew this browser's record too
  // (renewSession), so a copy of the cookie is ended whatever the session's age.
  it("a copy of the owner's fresh cookie is refused after the owner signs out every other session", async () => {
    const owner = await makeUserWithTwoFactor("Owner");
    const own = await signInAs(owner.user); // fresh: no password asked
    const copy = own.token; // what the thief took from this browser

    expect(await sessions.signOutOtherSessions({})).toMatchObject({ ok: true });
    const ownerBrowser = jar.get(SESSION_COOKIE);

    // fails: { ownerStillIn: true, copyStillIn: true }
    expect({ ownerStillIn: await signedInWith(ownerBrowser), copyStillIn: await signedInWith(copy) }).toEqual({
      ownerStillIn: true,
      copyStillIn: false,
    });
  });
});

describe("finding 3: the password entered twice at once signs the browser out", () => {
  // confirmPassword (lib/auth/recent-password.ts) checks the password, then renewSession ends the record
  // the cookie named and opens a successor. Two confirmations from the same browser at once (two tabs
  // that each asked for the password, or a dialog submitted twice) both pass the password check; the
  // second then finds its record already ended (renewSessionRecord returns null), deletes the session
  // cookie and answers "not signed in". Whichever response the browser applies last wins, so the owner
  // who typed the right password is signed out, and the successor record of the first confirmation
  // stays live with no browser holding it (a stranger's row on the Sessions card). A confirmation
  // whose record was just renewed by this same password should not sign the browser out.
  it("two confirmations at once: one is accepted, neither signs the browser out, one session stays live", async () => {
    const owner = await makeUserWithTwoFactor("Owner");
    await signInAs(owner.user, { stale: true });
    const answers = await Promise.all([
      profile.confirmPasswordAgain({ password: PASSWORD }),
      profile.confirmPasswordAgain({ password: PASSWORD }),
    ]);
    const live = await prisma().session.count({ where: { userId: owner.user.id, revokedAt: null } });
    // The first to renew answers "ok". The other answers "ok" too when its session check ran before that
    // renewal, or "not signed in" when it ran after (on a busy machine): its request still carries the
    // cookie from before, which a renewal refuses like any copy. Either way the cookie is left alone.
    // fails (a new record per renewal): one answer is "not_signed_in" and its cookie deletion may win
    const codes = answers.map((a) => (a.ok ? "ok" : a.code));
    expect(codes).toContain("ok");
    expect(codes.filter((code) => code !== "ok" && code !== "not_signed_in")).toEqual([]);
    expect({ browserSignedIn: await signedInWith(jar.get(SESSION_COOKIE)), live }).toEqual({
      browserSignedIn: true,
      live: 1,
    });
  });
});

describe("finding 4: changing the password makes the owner's own address a stranger, so a guessing run in progress locks them out", () => {
  // Addresses a user finished a sign-in from skip the per-email password limit (100 wrong passwords per
  // 15 minutes from everywhere), "so strangers cannot lock the owner out" (lib/auth/sign-in/password-step.ts
  // isFamiliarAddress). Review 50 keeps them under User.passwordVersion, bumped by a password change
  // (lib/auth/password.ts changePassword), so an intruder who knew the old password loses theirs. But
  // the change forgets the owner's address too: the session that made the change, signed in from
  // home with both factors and now proving the current password from home, is carried over
  // (reissueSession), its address is not recorded under the new password version. The natural reaction
  // to "someone is guessing my password" is to change it; from then on a spray of 100 wrong passwords
  // per 15 minutes from any addresses refuses the owner's own sign-in from home ("Too many sign-in
  // attempts") on every new device and once this session ends, for as long as the spray runs: the
  // lockout familiar addresses exist to prevent. The address of the session that changed the password
  // (it proved the new and the old password there) should stay familiar under the new version.
  it("after the owner changes the password from home, home still skips the per-email limit", async () => {
    const owner = await makeUserWithTwoFactor("Homebody");
    const home = { ...meta, ip: "203.0.113.9" }; // the address the test browser's requests come from
    const { sessionVersion } = await prisma().user.findUniqueOrThrow({ where: { id: owner.user.id } });
    const session = await openTestSession({ id: owner.user.id, sessionVersion }, home);
    const token = await encodeSessionToken({
      token: sessionClaims(owner.user, session, sessionVersion),
      secret: process.env.NEXTAUTH_SECRET!,
    });
    jar.set(SESSION_COOKIE, token);

    // A guessing run from everywhere has used the per-email budget; home is familiar, so it gets in.
    const { limit, windowMs } = limits.passwordPerEmail;
    for (let i = 0; i < limit; i++) await reserveAttempt(`password:email:${owner.user.email}`, limit, windowMs);
    await expect(checkPassword(owner.user.email, PASSWORD, home)).resolves.toMatchObject({ requirement: "verify" });

    // The owner changes the password, from home, in the session they signed in with there.
    const next = "a brand new passphrase";
    expect(await profile.changePasswordAction({ currentPassword: PASSWORD, newPassword: next })).toMatchObject({
      ok: true,
    });

    // fails: AppError rate_limited "Too many sign-in attempts." (home was forgotten with the old password)
    await expect(checkPassword(owner.user.email, next, home)).resolves.toMatchObject({ requirement: "verify" });
  });
});
