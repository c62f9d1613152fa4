// Findings of review 50 (2026-12-06). Each test fails on the code as reviewed; the expectations are what
// the product should answer.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { checkPassword } from "@/lib/auth/sign-in";
import { verifyChallengeSecondFactor } from "@/lib/auth/sign-in/second-factor";
import { limits, reserveAttempt } from "@/lib/rate-limit";
import { totpCode } from "@/lib/two-factor/totp";
import { jar, SESSION_COOKIE } from "./browser";
import { freshDatabasePerFile } from "./database";
import { makeUser, makeUserWithTwoFactor, meta, ownAccount, PASSWORD } from "./fixtures";
import { signInAs, userWithAppAndKey } from "./review-attack-helpers";
import { key } from "./webauthn-fixtures";

vi.mock("next/headers", async () => (await import("./browser")).nextHeaders);
const profile = await import("@/app/(app)/profile/actions");
const users = await import("@/app/(app)/settings/users/actions");
const confirm = await import("@/app/(app)/confirm-actions");

const { prisma } = freshDatabasePerFile();
beforeEach(() => jar.clear());

describe("finding 1: a stale stolen cookie, without the password, locks the owner out of every sign-in's second step", () => {
  // The threat model says only "a guesser who already has the password can use up a user's
  // second-factor budget (10 per 15 minutes)". But every confirmation prompt reachable from a session
  // (turnOffTwoFactor, removeAuthenticator, regenerateCodes, stopEnforcingTwoFactor, resetTwoFactor,
  // setRememberDays, startEnrolment's proof…) counts its wrong codes in the same per-user bucket as the
  // sign-in's second step (lib/two-factor/attempts.ts verifySecondFactor, `2fa:user:<id>`). A thief
  // holding only a stale session cookie (no password, no factor) sends ten wrong codes to
  // turnOffTwoFactor every 15 minutes and the owner cannot finish a sign-in on any other device for
  // the cookie's remaining 12 hours: the very lockout review 49 removed from the password dialog.
  it("ten wrong codes from the thief's session; the owner's right code at a new sign-in is still accepted", async () => {
    const owner = await makeUserWithTwoFactor("Owner");
    await signInAs(owner.user, { stale: true }); // the stolen cookie
    for (let i = 0; i < 10; i++) await profile.turnOffTwoFactor({ method: "totp", code: "000000" });
    jar.clear();

    // The owner signs in on their phone, with the password and a fresh code of their app.
    const { token, requirement } = await checkPassword(owner.user.email, PASSWORD, { ...meta, ip: "198.51.100.20" });
    expect(requirement).toBe("verify");
    const answer = await verifyChallengeSecondFactor(
      token,
      { method: "totp", code: await owner.nextCode() },
      meta,
    ).then(
      (ok) => ({ ok: true, userId: ok.user.id, code: undefined as string | undefined }),
      (error: { code?: string }) => ({ ok: false, userId: undefined, code: error.code }),
    );
    // fails: { ok: false, code: "second_factor_locked" } ("Too many wrong codes. Two-factor sign-in is locked until …")
    expect(answer).toEqual({ ok: true, userId: owner.user.id, code: undefined });
  });

  // The same stale cookie also spoils each confirmation the owner makes with a security key: the
  // "confirm" ceremony is one per user (lib/two-factor/webauthn/ceremony.ts openCeremony, ON CONFLICT
  // ("userId", "purpose") … DO UPDATE), so the thief's confirmKeyOptions, called in a loop, replaces the
  // one the owner's browser is answering; the owner's genuine key answer is then refused as a replay
  // ("already used or has expired") and counted as a wrong second factor against the same budget.
  it("the thief's stale session asking for key options does not spoil the owner's key confirmation", async () => {
    const owner = await userWithAppAndKey("KeyOwner");
    const thief = await signInAs(owner.user, { stale: true });
    const own = await signInAs(owner.user); // the owner's own browser, signed in just now
    const options = (await confirm.confirmKeyOptions({})).data as never;
    jar.set(SESSION_COOKIE, thief.token);
    expect((await confirm.confirmKeyOptions({})).ok).toBe(true);
    jar.set(SESSION_COOKIE, own.token);
    const regenerated = await profile.regenerateCodes(key(owner.authenticator.assert(options)));
    // fails: { ok: false, code: "code_already_used" }
    expect({ ok: regenerated.ok, code: regenerated.ok ? undefined : regenerated.code }).toEqual({
      ok: true,
      code: undefined,
    });
  });
});

describe("finding 2: turning 2FA on makes the owner's own addresses strangers, so a spread-out guessing run locks them out", () => {
  // Review 48 keeps the addresses a user signed in from (SignInAddress) for 30 days, exempt from the
  // per-email password limit, "so strangers cannot lock the owner out"; "a password change or reset
  // forgets them" (docs/threat-model.md). They are kept under the session version
  // (lib/auth/session-record.ts openSession, lib/auth/sign-in/password-step.ts isFamiliarAddress), and
  // that version moves with every 2FA change too: turning 2FA on, adding a first key, new recovery codes,
  // removing a factor, an admin's Reset 2FA. The session that made the change is carried over
  // (reissueSession) but its address is not. So right after the owner protects their account from
  // home, home is a stranger again: 100 wrong passwords from anywhere (any IPv6 /48) and the owner's
  // next sign-in from home is refused "Too many sign-in attempts", until they can finish one, which
  // the guessing run prevents.
  it("the owner's home address still skips the per-email limit after they turn 2FA on from it", async () => {
    const owner = await makeUser("Homebody");
    const home = meta; // signInAs opens its session from meta's address, as a sign-in from home does
    await signInAs(owner);
    const { limit, windowMs } = limits.passwordPerEmail;
    for (let i = 0; i < limit; i++) await reserveAttempt(`password:email:${owner.email}`, limit, windowMs);
    // Familiar: the owner gets in from home despite the guessing run.
    await expect(checkPassword(owner.email, PASSWORD, home)).resolves.toMatchObject({ requirement: "none" });

    // The owner turns 2FA on from the profile, in the session they signed in with from home.
    const started = await profile.startEnrolment({});
    expect(started.ok).toBe(true);
    const enabled = await profile.enableTwoFactor({ code: await totpCode(started.data!.secret) });
    expect(enabled.ok).toBe(true);

    // fails: AppError rate_limited "Too many sign-in attempts." (home was forgotten with the old version)
    await expect(checkPassword(owner.email, PASSWORD, home)).resolves.toMatchObject({ requirement: "verify" });
  });
});

describe("finding 3: the owner entering the password again also makes the thief's copy of the cookie fresh", () => {
  // requireRecentPassword looks at the session record (createdAt, reauthenticatedAt), and
  // confirmPassword (lib/auth/recent-password.ts) writes reauthenticatedAt on that record. A stolen
  // cookie is a copy of the owner's own session: it names the same record. So the thief's stale copy
  // polls invite(own address, "admin") and, the moment the owner confirms the password in their
  // browser for anything (adding a key, an admin invitation, or "Sign out other sessions", which does
  // not end the thief's copy since it is the current session), the thief's next call passes for 10
  // minutes: the admin membership review 47 meant to keep a stale cookie from giving. The password
  // entered again should count only for the browser that entered it (a new cookie or record for it,
  // which ends every copy of the old one).
  it("after the owner confirms the password, the thief's copy of the same cookie still cannot invite an admin", async () => {
    const owner = await makeUserWithTwoFactor("Owner");
    const accountId = await ownAccount(owner.user.id);
    const stolen = await signInAs(owner.user, { stale: true }); // the owner's browser; the thief copied its cookie
    const email = "helpdesk@thief.example";

    // The thief's copy is refused while the session is stale (review 47).
    jar.set(SESSION_COOKIE, stolen.token);
    expect(await users.invite({ accountId, email, role: "admin" })).toMatchObject({
      ok: false,
      code: "password_required",
    });

    // The owner, in their own browser, enters the password again.
    jar.clear();
    jar.set(SESSION_COOKIE, stolen.token);
    expect(await profile.confirmPasswordAgain({ password: PASSWORD })).toMatchObject({ ok: true });

    // The thief's copy, the cookie as it was stolen.
    jar.clear();
    jar.set(SESSION_COOKIE, stolen.token);
    const invited = await users.invite({ accountId, email, role: "admin" });
    const written = await prisma().invitation.count({ where: { accountId, email } });
    // fails: { invited: true, written: 1 }
    expect({ invited: invited.ok, written }).toEqual({ invited: false, written: 0 });
  });

  // The same with the owner's first factor: an owner without 2FA who opens "Turn on 2FA" from an older
  // session is asked for the password first. The thief's copy, polling startEnrolment, then opens its
  // own pending secret (the upsert replaces the owner's), confirms it with its own app, and the record
  // (the owner's too) is carried to the new version under the thief's new cookie: the owner's browser
  // is signed out and every later sign-in asks for a code only the thief has. A reset link does not
  // help (it never skips the second factor), and in the owner's own account nobody may Reset 2FA.
  it("after the owner confirms the password, the thief's copy cannot make its own app the owner's first factor", async () => {
    const owner = await makeUser("Unprotected");
    const stolen = await signInAs(owner, { stale: true });
    // The owner's browser: "Turn on 2FA" asks for the password again.
    expect(await profile.startEnrolment({})).toMatchObject({ ok: false, code: "password_required" });
    expect(await profile.confirmPasswordAgain({ password: PASSWORD })).toMatchObject({ ok: true });

    // The thief's copy of the cookie.
    jar.clear();
    jar.set(SESSION_COOKIE, stolen.token);
    const started = await profile.startEnrolment({});
    const enabled = started.ok
      ? await profile.enableTwoFactor({ code: await totpCode(started.data!.secret) })
      : started;
    const after = await prisma().user.findUniqueOrThrow({ where: { id: owner.id }, select: { totpEnabledAt: true } });
    // fails: { started: true, enabled: true, thiefAppIsTheFactor: true }
    expect({ started: started.ok, enabled: enabled.ok, thiefAppIsTheFactor: after.totpEnabledAt !== null }).toEqual({
      started: false,
      enabled: false,
      thiefAppIsTheFactor: false,
    });
  });
});

describe("finding 4: the thief's stale cookie locks the owner out of changing their password", () => {
  // Review 49 made the password dialog count wrong passwords per session, "so a thief's wrong guesses
  // from a stolen cookie cannot lock the owner out". Changing the password still counts them per user
  // (lib/auth/password.ts changePassword → verifyCurrentPassword, `password-change:user:<id>`, 5 per 15
  // minutes), and changing the password is the other way the owner ends the thief's session (it ends
  // every other session). From the stale cookie the thief sends five wrong current passwords every 15
  // minutes, and the owner's correct change from their own browser is refused ("Too many wrong
  // passwords") for as long as the cookie lives.
  it("five wrong current passwords from the thief's session; the owner's own change still goes through", async () => {
    const owner = await makeUserWithTwoFactor("Owner");
    const thief = await signInAs(owner.user, { stale: true }); // the stolen cookie
    jar.clear();
    const own = await signInAs(owner.user); // the owner's own browser
    jar.set(SESSION_COOKIE, thief.token);
    for (let i = 0; i < 5; i++)
      await profile.changePasswordAction({ currentPassword: `guess ${i}`, newPassword: "thief's new password" });

    jar.set(SESSION_COOKIE, own.token);
    const changed = await profile.changePasswordAction({
      currentPassword: PASSWORD,
      newPassword: "owner's new password",
    });
    // fails: { ok: false, code: "rate_limited" } ("Too many wrong passwords. Try again after …")
    expect({ ok: changed.ok, code: changed.ok ? undefined : changed.code }).toEqual({ ok: true, code: undefined });
    // …and with it the thief's session is over (the version moved on; only the owner's record was carried).
    const { sessionVersion } = await prisma().user.findUniqueOrThrow({ where: { id: owner.user.id } });
    const thiefRecord = await prisma().session.findUniqueOrThrow({ where: { id: thief.sid } });
    expect({ sessionVersion, thiefVersion: thiefRecord.userVersion }).toEqual({
      sessionVersion: thief.session.version + 1,
      thiefVersion: thief.session.version,
    });
  });
});
