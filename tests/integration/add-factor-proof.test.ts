// Adding a factor when one exists is confirmed with one of the user's existing factors (security
// review: a stolen session cookie plus the password must not put the thief's own key or app on the
// account, which would then count as "a fresh second factor" for everything else).
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { PublicKeyCredentialCreationOptionsJSON } from "@simplewebauthn/server";
import { enableEnforcement } from "@/lib/accounts/enforcement";
import { ErrorCode } from "@/lib/errors";
import { confirmFactorAddition } from "@/lib/two-factor/add-factor";
import { beginEnrolment } from "@/lib/two-factor/factors/totp-enrolment";
import { promptKeys, secondFactorKey } from "@/lib/two-factor/attempts";
import { newRecoveryCodes } from "@/lib/two-factor/recovery-codes";
import { totpCode } from "@/lib/two-factor/totp";
import { webAuthnRegistrationOptions } from "@/lib/two-factor/webauthn/registration";
import { SoftAuthenticator } from "../support/soft-authenticator";
import { jar } from "./browser";
import { freshDatabasePerFile } from "./database";
import { makeUser, makeUserWithTwoFactor, meta, PASSWORD, setupNow } from "./fixtures";
import { keyOnlyUser, signInAs } from "./review-attack-helpers";
import { key, rp, totp } from "./webauthn-fixtures";

vi.mock("next/headers", async () => (await import("./browser")).nextHeaders);
const profile = await import("@/app/(app)/profile/actions");
const keys = await import("@/app/(app)/profile/key-actions");
const confirm = await import("@/app/(app)/confirm-actions");
const { prisma } = freshDatabasePerFile();
beforeEach(() => jar.clear());

const recovery = (code: string) => ({ method: "recovery" as const, code });
const registrations = (userId: string) => prisma().webAuthnCeremony.count({ where: { userId, purpose: "register" } });
const enrolments = (userId: string) => prisma().totpEnrolment.count({ where: { userId } });
const keyCount = (userId: string) => prisma().webAuthnCredential.count({ where: { userId } });

/** The browser's part of adding a key: a new authenticator answers the options the server gave. */
async function addKeyWith(options: unknown, name = "Thief's key") {
  const answer = new SoftAuthenticator(rp).register(options as PublicKeyCredentialCreationOptionsJSON);
  return keys.addSecurityKey({ name, response: answer });
}

describe("adding a factor when the user already has one", () => {
  it("is refused without a proof, even in a fresh session, and nothing is opened", async () => {
    const victim = await makeUserWithTwoFactor("Victim");
    await signInAs(victim.user); // a fresh session: the recent-password rule alone lets this through
    expect(await keys.securityKeyOptions({})).toMatchObject({ ok: false, code: ErrorCode.secondFactorRequired });
    expect(await registrations(victim.user.id)).toBe(0);
    // A ceremony the server never opened cannot be finished either.
    expect(await addKeyWith({ challenge: "B".repeat(43), user: { id: "AA" } })).toMatchObject({ ok: false });
    expect(await keyCount(victim.user.id)).toBe(0);
  });

  it("a current authenticator code lets the key be added, and the audit says so", async () => {
    const user = await makeUserWithTwoFactor("Coder");
    await signInAs(user.user);
    const options = await keys.securityKeyOptions({ proof: totp(await user.nextCode()) });
    expect(options.ok).toBe(true);
    expect(await addKeyWith(options.data, "YubiKey")).toMatchObject({ ok: true, data: { recoveryCodes: null } });
    expect(await keyCount(user.user.id)).toBe(1);
    const added = await prisma().auditEvent.findFirstOrThrow({
      where: { actorId: user.user.id, type: "webauthn.added" },
    });
    expect(added.details).toEqual({ name: "YubiKey", method: "totp" });
  });

  it("a recovery code works too, and is spent", async () => {
    const user = await makeUserWithTwoFactor("Lost phone");
    await signInAs(user.user);
    const code = user.recoveryCodes[0]!;
    expect((await keys.securityKeyOptions({ proof: recovery(code) })).ok).toBe(true);
    expect(await prisma().recoveryCode.count({ where: { userId: user.user.id, usedAt: null } })).toBe(9);
    expect(await keys.securityKeyOptions({ proof: recovery(code) })).toMatchObject({
      ok: false,
      code: ErrorCode.invalidCode,
    });
  });

  it("a wrong code is refused and counted against the prompts' limits; nothing is opened", async () => {
    const user = await makeUserWithTwoFactor("Guesser");
    const { sid } = await signInAs(user.user);
    expect(await keys.securityKeyOptions({ proof: totp("000000") })).toMatchObject({
      ok: false,
      code: ErrorCode.invalidCode,
    });
    const notTheirs = newRecoveryCodes()[0]!;
    expect(await keys.securityKeyOptions({ proof: recovery(notTheirs) })).toMatchObject({ ok: false });
    // The app is set up already: refused as such, before the proof is spent or counted.
    expect(await profile.startEnrolment({ proof: totp(await user.nextCode()) })).toMatchObject({
      ok: false,
      code: ErrorCode.alreadyEnabled,
    });
    expect(await registrations(user.user.id)).toBe(0);
    const failures = await prisma().auditEvent.findMany({
      where: { subjectId: user.user.id, type: "two_factor.failed" },
      orderBy: { createdAt: "asc" },
    });
    expect(failures.map((f) => f.details)).toMatchObject([
      { method: "totp", failuresInWindow: 1 },
      { method: "recovery", failuresInWindow: 2 },
    ]);
    // Counted as a prompt's, in this session and for the user; sign-in's own budget is untouched.
    const [session, all] = promptKeys(user.user.id, sid).map(([key]) => key);
    for (const key of [session!, all!])
      expect((await prisma().rateLimit.findUniqueOrThrow({ where: { key } })).attempts).toHaveLength(2);
    expect(await prisma().rateLimit.findUnique({ where: { key: secondFactorKey(user.user.id) } })).toBeNull();
  });

  it("a stale password is refused before the proof is looked at: the code stays usable", async () => {
    const user = await makeUserWithTwoFactor("Stale");
    await signInAs(user.user, { stale: true });
    const code = await user.nextCode();
    expect(await keys.securityKeyOptions({ proof: totp(code) })).toMatchObject({
      ok: false,
      code: ErrorCode.passwordRequired,
    });
    expect(await prisma().auditEvent.count({ where: { subjectId: user.user.id, type: "two_factor.failed" } })).toBe(0);
    expect((await profile.confirmPasswordAgain({ password: PASSWORD })).ok).toBe(true);
    expect((await keys.securityKeyOptions({ proof: totp(code) })).ok).toBe(true);
  });

  it("a passkey-only user setting up the authenticator app confirms with the key first", async () => {
    const { user, authenticator } = await keyOnlyUser("Passkey");
    await signInAs(user);
    expect(await profile.startEnrolment({})).toMatchObject({ ok: false, code: ErrorCode.secondFactorRequired });
    expect(await enrolments(user.id)).toBe(0);
    const answer = key(authenticator.assert((await confirm.confirmKeyOptions({})).data as never));
    const started = await profile.startEnrolment({ proof: answer });
    expect(started.ok).toBe(true);
    expect((await profile.enableTwoFactor({ code: await totpCode(started.data!.secret) })).ok).toBe(true);
    const added = await prisma().auditEvent.findFirstOrThrow({
      where: { actorId: user.id, type: "two_factor.authenticator_added" },
    });
    expect(added.details).toEqual({ method: "webauthn" });
  });
});

describe("the rule in lib (confirmFactorAddition)", () => {
  it("asks for nothing more of a first factor, a proof of a later one, and says which confirmed it", async () => {
    const bare = await makeUser("Bare");
    const { session: bareSession } = await signInAs(bare);
    await expect(confirmFactorAddition({ user: bare, session: bareSession, meta }, undefined)).resolves.toEqual({
      version: bareSession.version,
      confirmedWith: null,
    });
    const user = await makeUserWithTwoFactor("Ruled");
    const { session } = await signInAs(user.user);
    const adding = { user: user.user, session, meta };
    await expect(confirmFactorAddition(adding, undefined)).rejects.toMatchObject({
      code: ErrorCode.secondFactorRequired,
    });
    await expect(confirmFactorAddition(adding, totp(await user.nextCode()))).resolves.toEqual({
      version: session.version,
      confirmedWith: "totp",
    });
  });
});

describe("a first factor needs no proof", () => {
  it("on the profile: the key or the app, as before", async () => {
    const user = await makeUser("First");
    await signInAs(user);
    const options = await keys.securityKeyOptions({});
    expect(options.ok).toBe(true);
    expect((await profile.startEnrolment({})).ok).toBe(true);
    const added = await addKeyWith(options.data, "First key");
    expect(added.data?.recoveryCodes).toHaveLength(10);
  });

  it("in forced enrolment (an account enforces 2FA)", async () => {
    const owner = await makeUserWithTwoFactor("Owner");
    const { accountId } = await prisma().membership.findFirstOrThrow({ where: { userId: owner.user.id } });
    const member = await makeUser("Member");
    await prisma().membership.create({ data: { userId: member.id, accountId, role: "member" } });
    await signInAs(member);
    await enableEnforcement(owner.user.id, accountId, 0, meta);
    expect((await keys.securityKeyOptions({})).ok).toBe(true);
    expect((await profile.startEnrolment({})).ok).toBe(true);
  });

  it("what was opened without a proof ends when a first factor arrives", async () => {
    const user = await makeUser("Race");
    await signInAs(user);
    const options = await keys.securityKeyOptions({}); // e.g. a thief's, opened while there was no factor
    const started = await profile.startEnrolment({});
    expect((await profile.enableTwoFactor({ code: await totpCode(started.data!.secret) })).ok).toBe(true);
    await signInAs(user); // the same person again: the first factor ended the other sessions
    expect(await addKeyWith(options.data)).toMatchObject({ ok: false, code: ErrorCode.enrolmentExpired });
    expect(await keyCount(user.id)).toBe(0);
  });
});

// Found by the change's review: setups were checked when opened, and finished on trust.
describe("a setup is finished only under the version it was opened in", () => {
  it("one opened after the check but after the first factor too (the check-then-open window) cannot be finished", async () => {
    const victim = await makeUser("Window");
    const { session } = await signInAs(victim);
    // The thief's request: the check passes, as there is no factor yet ...
    const setup = await confirmFactorAddition({ user: victim, session, meta }, undefined);
    // ... the owner's first factor lands ...
    const started = await profile.startEnrolment({});
    expect((await profile.enableTwoFactor({ code: await totpCode(started.data!.secret) })).ok).toBe(true);
    // ... and only then does the thief's request open its ceremony.
    const options = await webAuthnRegistrationOptions(victim.id, setup);
    await signInAs(victim); // a live session again (malware in the owner's browser)
    expect(await addKeyWith(options)).toMatchObject({ ok: false, code: ErrorCode.enrolmentExpired });
    expect(await keyCount(victim.id)).toBe(0);
  });

  it("one opened before setups carried a version (the deploy) cannot be finished", async () => {
    const user = await makeUserWithTwoFactor("Before");
    await signInAs(user.user);
    const options = await keys.securityKeyOptions({ proof: totp(await user.nextCode()) });
    await prisma().webAuthnCeremony.updateMany({ where: { userId: user.user.id }, data: { userVersion: null } });
    expect(await addKeyWith(options.data)).toMatchObject({ ok: false, code: ErrorCode.enrolmentExpired });

    const { user: keyOnly } = await keyOnlyUser("Before App");
    await signInAs(keyOnly);
    const { secret } = await beginEnrolment(keyOnly, await setupNow(keyOnly.id));
    await prisma().totpEnrolment.updateMany({ where: { userId: keyOnly.id }, data: { userVersion: null } });
    expect(await profile.enableTwoFactor({ code: await totpCode(secret) })).toMatchObject({
      ok: false,
      code: ErrorCode.enrolmentExpired,
    });
  });

  it("one confirmed with a factor that has gone since cannot be finished next to the factor that replaced it", async () => {
    const user = await makeUserWithTwoFactor("Replaced");
    await signInAs(user.user);
    const options = await keys.securityKeyOptions({ proof: totp(await user.nextCode()) });
    expect(options.ok).toBe(true);
    const removed = await profile.removeAuthenticator(recovery(user.recoveryCodes[0]!));
    expect(removed).toMatchObject({ ok: true, data: { twoFactorOff: true } });
    const started = await profile.startEnrolment({});
    expect((await profile.enableTwoFactor({ code: await totpCode(started.data!.secret) })).ok).toBe(true);
    expect(await addKeyWith(options.data)).toMatchObject({ ok: false, code: ErrorCode.enrolmentExpired });
    expect(await keyCount(user.user.id)).toBe(0);
  });
});
