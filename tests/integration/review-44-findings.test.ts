// Findings of review 44 (2026-12-06): every way a session must end. Each test fails on the code as
// reviewed and shows the defect as an attacker or a user sees it: the expectations are what the
// product should answer.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { inviteMember } from "@/lib/accounts/invitations";
import { changePassword, resetPassword } from "@/lib/auth/password";
import { ErrorCode } from "@/lib/errors";
import { randomToken, sha256 } from "@/lib/crypto/tokens";
import { verifyPassword } from "@/lib/crypto/password";
import { finishSignIn, jar, pageOutcome, SESSION_COOKIE, submitPassword } from "./browser";
import { freshDatabasePerFile } from "./database";
import { mailsTo, makeUser, meta, ownAccount, PASSWORD, sessionNow } from "./fixtures";
import { signInAs } from "./review-attack-helpers";

vi.mock("next/headers", async () => (await import("./browser")).nextHeaders);
vi.mock("@/lib/crypto/password", async (original) => {
  const actual = await original<typeof import("@/lib/crypto/password")>();
  return { ...actual, verifyPassword: vi.fn(actual.verifyPassword) };
});

const profile = await import("@/app/(app)/profile/actions");
const invite = await import("@/app/(auth)/invite/[token]/actions");

const { prisma } = freshDatabasePerFile();
beforeEach(() => jar.clear());
afterEach(() => {
  vi.unstubAllGlobals();
  vi.mocked(verifyPassword).mockReset();
});

/** A reset link as requestPasswordReset mails it (the token, whose hash alone is stored). */
async function resetLinkFor(userId: string) {
  const token = randomToken();
  const { sessionVersion } = await prisma().user.findUniqueOrThrow({ where: { id: userId } });
  await prisma().passwordResetToken.create({
    data: { userId, tokenHash: sha256(token), userVersion: sessionVersion, expiresAt: new Date(Date.now() + 600_000) },
  });
  return token;
}

/** Whether `password` is the user's password now. */
async function isPasswordOf(userId: string, password: string) {
  const { passwordHash } = await prisma().user.findUniqueOrThrow({ where: { id: userId } });
  return vi.mocked(verifyPassword).getMockImplementation()!(passwordHash, password);
}

const NEW_PASSWORD = "a brand new password, not the leaked one";

/**
 * The attacker's sign-in with the old (leaked) password is in flight: its password was checked
 * against the old hash, and `whileChecking` (the owner changing the password) finishes before the
 * password step goes on to open its challenge. argon2 takes a while, so the window is real.
 */
function ownerActsWhileOldPasswordIsChecked(whileChecking: () => Promise<unknown>) {
  const actual = vi.mocked(verifyPassword).getMockImplementation()!;
  vi.mocked(verifyPassword).mockImplementationOnce(async (hash, password) => {
    const valid = await actual(hash, password);
    await whileChecking();
    return valid;
  });
}

describe("finding 1: a sign-in with the old password, checked just before a password change, opens a session after it", () => {
  // verifyCredentials reads the hash (and the version) and checks the password; beginSignIn then reads
  // the user's session version AGAIN (policyFactsOf) and opens the challenge under that newer version.
  // The challenge, and the session it is exchanged for, live under the version the change created.
  it("password change: the attacker holding the leaked password still gets a live session", async () => {
    const owner = await makeUser("Owner");
    ownerActsWhileOldPasswordIsChecked(async () =>
      changePassword(owner.id, PASSWORD, NEW_PASSWORD, meta, await sessionNow(owner.id)),
    );

    const step = await submitPassword({ email: owner.email, password: PASSWORD }); // the old password
    const signedIn = step.ok ? await finishSignIn() : false;

    const { passwordHash } = await prisma().user.findUniqueOrThrow({ where: { id: owner.id } });
    const actual = vi.mocked(verifyPassword).getMockImplementation()!;
    expect(await actual(passwordHash, NEW_PASSWORD)).toBe(true); // the change did land
    // fails: signedIn true, the page renders ("ok") for the attacker after the owner's change
    expect({ signedIn, page: signedIn ? await pageOutcome() : "/login" }).toEqual({
      signedIn: false,
      page: "/login",
    });
  });

  it("password reset by link: the same, the reset does not end the in-flight sign-in", async () => {
    const owner = await makeUser("Resetter");
    const token = await resetLinkFor(owner.id);
    ownerActsWhileOldPasswordIsChecked(() => resetPassword(token, NEW_PASSWORD, meta));

    const step = await submitPassword({ email: owner.email, password: PASSWORD });
    const signedIn = step.ok ? await finishSignIn() : false;

    expect((await prisma().passwordResetToken.findFirstOrThrow({ where: { userId: owner.id } })).usedAt).not.toBeNull();
    // fails: a session cookie for the attacker, issued after the reset
    expect({ signedIn, cookie: jar.has(SESSION_COOKIE) }).toEqual({ signedIn: false, cookie: false });
  });
});

describe("finding 2: a password change checked against the old password lands after the owner's change or reset", () => {
  // changePassword verifies the current password against the hash read first, then sets the new one
  // with an unconditional update (sessionVersion: increment), unlike resetPassword, which updates only
  // under the version its link was sent with. The attacker's change (leaked password, stolen session,
  // both ended by the owner's reset a moment before) overwrites the owner's new password.
  const ATTACKERS = "the attacker's own password now";

  it("password reset by link: the attacker's change, started before it, replaces the owner's new password", async () => {
    const owner = await makeUser("Recovering");
    await signInAs(owner); // the attacker's stolen session
    const link = await resetLinkFor(owner.id);
    ownerActsWhileOldPasswordIsChecked(() => resetPassword(link, NEW_PASSWORD, meta));

    const attack = await profile.changePasswordAction({ currentPassword: PASSWORD, newPassword: ATTACKERS });

    // fails: { attackSucceeded: true, ownersPasswordWorks: false, attackersPasswordWorks: true }
    expect({
      attackSucceeded: attack.ok,
      ownersPasswordWorks: await isPasswordOf(owner.id, NEW_PASSWORD),
      attackersPasswordWorks: await isPasswordOf(owner.id, ATTACKERS),
    }).toEqual({ attackSucceeded: false, ownersPasswordWorks: true, attackersPasswordWorks: false });
  });

  it("password change: the same, and the owner's own session (carried to the new version) ends", async () => {
    const owner = await makeUser("Changing");
    const ownersBrowser = await signInAs(owner);
    const attackersBrowser = await signInAs(owner);
    jar.set(SESSION_COOKIE, ownersBrowser.token);
    // The owner's change, through their own browser (reissued cookie kept aside), during the attacker's.
    let ownersCookie = "";
    ownerActsWhileOldPasswordIsChecked(async () => {
      jar.set(SESSION_COOKIE, ownersBrowser.token);
      const changed = await profile.changePasswordAction({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD });
      if (!changed.ok) throw new Error("the owner's change failed");
      ownersCookie = jar.get(SESSION_COOKIE)!;
      jar.set(SESSION_COOKIE, attackersBrowser.token);
    });
    jar.set(SESSION_COOKIE, attackersBrowser.token);

    const attack = await profile.changePasswordAction({ currentPassword: PASSWORD, newPassword: ATTACKERS });

    jar.set(SESSION_COOKIE, ownersCookie);
    // fails: the attacker's change lands, the owner's password is gone and the owner is signed out
    expect({
      attackSucceeded: attack.ok,
      ownersPasswordWorks: await isPasswordOf(owner.id, NEW_PASSWORD),
      ownerStillSignedIn: await pageOutcome(),
    }).toEqual({ attackSucceeded: false, ownersPasswordWorks: true, ownerStillSignedIn: "ok" });
  });
});

describe("the same class: joining an account with the password checked just before a change", () => {
  it("an invitation accepted with the old password adds no membership and opens no sign-in", async () => {
    const inviter = await makeUser("Inviter");
    const accountId = await ownAccount(inviter.id);
    const owner = await makeUser("Invitee");
    await inviteMember(inviter.id, accountId, owner.email, "member", meta);
    const token = (await mailsTo(owner.email)).at(-1)!.text.match(/invite\/([\w-]+)/)![1]!;
    ownerActsWhileOldPasswordIsChecked(async () =>
      changePassword(owner.id, PASSWORD, NEW_PASSWORD, meta, await sessionNow(owner.id)),
    );

    const joined = await invite.acceptAsExistingUser({ token, password: PASSWORD });

    expect(joined).toMatchObject({ ok: false, code: ErrorCode.challengeExpired });
    expect(await prisma().membership.count({ where: { userId: owner.id, accountId } })).toBe(0);
    expect(jar.size).toBe(0);
  });
});
