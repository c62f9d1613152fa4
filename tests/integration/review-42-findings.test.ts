// Findings of review 42 (2026-12-06). Each test failed on the code as reviewed and shows the defect as
// an attacker or a user saw it: the expectations are what the product answers since its fix.
import { randomBytes } from "node:crypto";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { enableEnforcement } from "@/lib/accounts/enforcement";
import { checkPassword } from "@/lib/auth/sign-in";
import { ErrorCode } from "@/lib/errors";
import { SoftAuthenticator } from "../support/soft-authenticator";
import { CHALLENGE_COOKIE, finishSignIn, jar } from "./browser";
import { freshDatabasePerFile } from "./database";
import { makeUser, makeUserWithTwoFactor, meta, ownAccount, PASSWORD } from "./fixtures";
import { totpCode } from "@/lib/two-factor/totp";
import { codesAround } from "../support/totp-window";
import { signInAs, userWithAppAndKey } from "./review-attack-helpers";
import { registerKey, rp } from "./webauthn-fixtures";

vi.mock("next/headers", async () => (await import("./browser")).nextHeaders);
const keys = await import("@/app/(app)/profile/key-actions");
const profile = await import("@/app/(app)/profile/actions");
const login = await import("@/app/(auth)/login/actions");
const users = await import("@/app/(app)/settings/users/actions");

const { prisma } = freshDatabasePerFile();
beforeEach(() => jar.clear());

/**
 * A registration answer whose attested credential ID (inside the attestationObject, where the server
 * reads it) is `bytes` long. The outer id/rawId stay short, so the request schema lets it through;
 * SimpleWebAuthn checks only id === rawId and never caps the attested ID (WebAuthn caps it at 1023 bytes).
 */
function registrationWithCredentialId(options: unknown, bytes: number) {
  const authenticator = new SoftAuthenticator(rp) as unknown as { rawId: Buffer; id: string };
  authenticator.rawId = randomBytes(bytes);
  authenticator.id = authenticator.rawId.toString("base64url");
  const response = (authenticator as unknown as SoftAuthenticator).register(options as never);
  return { ...response, id: "AAAA", rawId: "AAAA" };
}

describe("finding 1: a security key's attested credential ID has no length limit", () => {
  it("added on the profile: a clear refusal, not 'Something went wrong' from a database error", async () => {
    const user = await makeUser("Longid");
    await signInAs(user);
    const options = await keys.securityKeyOptions({});
    expect(options.ok).toBe(true);
    // Before: PostgreSQL 54000 "index row requires 26680 bytes, maximum size is 8191" on
    // WebAuthnCredential_credentialId_key, answered as { ok: false, code: "unexpected" } (an HTTP 500).
    const answer = await keys.addSecurityKey({
      name: "Long",
      response: registrationWithCredentialId(options.data, 20_000),
    });
    expect(answer).toMatchObject({ ok: false, code: ErrorCode.invalidCode });
    expect(await prisma().webAuthnCredential.count({ where: { userId: user.id } })).toBe(0);
  });

  it("added in forced enrolment at sign-in: a clear refusal, not 'Something went wrong'", async () => {
    const owner = await makeUser("Owner");
    const accountId = await ownAccount(owner.id);
    await registerKey(owner.id);
    await enableEnforcement(owner.id, accountId, 0, meta);
    const member = await makeUser("Member");
    await prisma().membership.create({ data: { userId: member.id, accountId, role: "member" } });
    const { token, requirement } = await checkPassword(member.email, PASSWORD, meta);
    expect(requirement).toBe("enrol");
    jar.set(CHALLENGE_COOKIE, token);
    const options = await login.startLoginKeyEnrolment({});
    expect(options.ok).toBe(true);
    const answer = await login.finishLoginKeyEnrolment({
      name: "Long",
      response: registrationWithCredentialId(options.data, 20_000),
    });
    expect(answer).toMatchObject({ ok: false, code: ErrorCode.invalidCode });
  });
  it("of 1,100 bytes (over WebAuthn's 1,023): refused, not stored as a first factor that can never answer", async () => {
    const user = await makeUser("Midid");
    await signInAs(user);
    const options = await keys.securityKeyOptions({});
    const authenticator = new SoftAuthenticator(rp) as unknown as { rawId: Buffer; id: string };
    authenticator.rawId = randomBytes(1_100);
    authenticator.id = authenticator.rawId.toString("base64url"); // 1,467 characters
    const soft = authenticator as unknown as SoftAuthenticator;
    const response = soft.register(options.data as never);
    const added = await keys.addSecurityKey({ name: "Mid", response: { ...response, id: "AAAA", rawId: "AAAA" } });
    // Before: stored, 2FA turned on and 10 recovery codes issued; yet its every answer carries an id over the
    // 1,400 characters the proof schema allows, so the key can never be used ("invalid_input" on response.id).
    expect(added).toMatchObject({ ok: false, code: ErrorCode.invalidCode });
    expect(await prisma().webAuthnCredential.count({ where: { userId: user.id } })).toBe(0);
  });
});

describe("finding 2: an admin's Reset 2FA needs no fresh second factor (stopping enforcement does)", () => {
  /** A member with an authenticator app whose only account is the owner's (as an invited user's is). */
  async function protectedMemberOf(ownerId: string) {
    const accountId = await ownAccount(ownerId);
    const member = await makeUserWithTwoFactor("Member");
    await prisma().membership.deleteMany({ where: { userId: member.user.id } });
    const membership = await prisma().membership.create({
      data: { userId: member.user.id, accountId, role: "member" },
    });
    return { accountId, member, membership };
  }

  /** A stranger with the member's (leaked) password: does the password alone give a session now? */
  async function signInWithPasswordOnly(email: string) {
    jar.clear();
    const { token, requirement } = await checkPassword(email, PASSWORD, meta);
    if (requirement !== "none") return { requirement, session: false };
    jar.set(CHALLENGE_COOKIE, token);
    return { requirement, session: await finishSignIn() };
  }

  it("a stolen, stale owner cookie (no password, no factor) strips a member's 2FA; their password then signs in", async () => {
    const owner = await userWithAppAndKey("Owner");
    const { accountId, member, membership } = await protectedMemberOf(owner.user.id);
    await signInAs(owner.user, { stale: true }); // signed in long ago; the thief has neither password nor factor
    const reset = await users.resetTwoFactor({ accountId, membershipId: membership.id });
    const after = await prisma().user.findUniqueOrThrow({ where: { id: member.user.id } });
    const thief = await signInWithPasswordOnly(member.user.email);
    // Before: { resetOk: true, memberKeepsApp: false, passwordAlone: { requirement: "none", session: true } }.
    expect({ resetOk: reset.ok, memberKeepsApp: after.totpEnabledAt !== null, passwordAlone: thief }).toEqual({
      resetOk: false,
      memberKeepsApp: true,
      passwordAlone: { requirement: "verify", session: false },
    });
  });

  it("an owner with no second factor of their own removes a member's 2FA", async () => {
    const owner = await makeUser("Passwordonly");
    const { accountId, member, membership } = await protectedMemberOf(owner.id);
    await signInAs(owner);
    // The same owner is refused turning enforcement on (ownTwoFactorFirst) and could never stop it (no
    // factor to prove), yet takes the member's app, recovery codes and sessions with a click.
    const reset = await users.resetTwoFactor({ accountId, membershipId: membership.id });
    expect(reset.ok).toBe(false);
    const after = await prisma().user.findUniqueOrThrow({ where: { id: member.user.id } });
    expect(after.totpEnabledAt).not.toBeNull();
  });
});

describe("finding 3: the authenticator app's enrolment code can be guessed without limit, from any session of the user", () => {
  it("a stale stolen cookie guesses the code of the enrolment its owner opened, and takes the recovery codes", async () => {
    const victim = await makeUser("Victim");
    // The owner, signed in a minute ago, clicks "Set up authenticator app" and has the QR code on screen.
    const owner = await signInAs(victim);
    const started = await profile.startEnrolment({});
    expect(started.ok).toBe(true);
    const secret = started.data!.secret;
    // A thief replays a copy of an older cookie of the same user (no password, no factor, another session).
    await signInAs(victim, { stale: true });
    const real = await codesAround(secret);
    const wrong: string[] = [];
    for (let n = 100_000; wrong.length < 40; n += 7919) if (!real.has(String(n))) wrong.push(String(n));
    const answers: (string | undefined)[] = [];
    for (const code of wrong) answers.push((await profile.enableTwoFactor({ code })).code);
    // Stands for the guess that hits: 3 codes of a million are right at any moment, so ~330,000 tries
    // (and the 40 above were all checked, none refused for their number).
    const hit = await profile.enableTwoFactor({ code: await totpCode(secret) });
    const ownerVersion = (await prisma().session.findUniqueOrThrow({ where: { id: owner.sid } })).userVersion;
    const { sessionVersion } = await prisma().user.findUniqueOrThrow({ where: { id: victim.id } });
    // Before: every wrong code was checked ("invalid_code" 40 times), then 2FA went on under the owner's
    // secret with its 10 recovery codes handed to the thief's session, which lives on while the owner's ends.
    expect({
      wrongCodesChecked: answers.filter((c) => c === ErrorCode.invalidCode).length > 10 ? "all 40" : "at most 10",
      recoveryCodesToThief: hit.data?.recoveryCodes?.length ?? 0,
      ownerSignedOut: ownerVersion !== sessionVersion,
    }).toEqual({ wrongCodesChecked: "at most 10", recoveryCodesToThief: 0, ownerSignedOut: false });
  });

  it("five wrong codes end the setup, in the owner's own session too: the right code is refused after them", async () => {
    const owner = await makeUser("Owner");
    await signInAs(owner);
    const { secret } = (await profile.startEnrolment({})).data!;
    const real = await codesAround(secret);
    const wrong = ["100003", "200003", "300007", "400009", "500009", "600011"].filter((c) => !real.has(c));
    for (const code of wrong.slice(0, 5))
      expect(await profile.enableTwoFactor({ code })).toMatchObject({ ok: false, code: ErrorCode.invalidCode });
    expect(await profile.enableTwoFactor({ code: await totpCode(secret) })).toMatchObject({
      ok: false,
      code: ErrorCode.enrolmentExpired,
      error: "Too many wrong codes. Close the dialog and start again.",
    });
    expect((await prisma().user.findUniqueOrThrow({ where: { id: owner.id } })).totpEnabledAt).toBeNull();
    // Starting again gives a new secret with its own five tries.
    const again = (await profile.startEnrolment({})).data!;
    expect((await profile.enableTwoFactor({ code: await totpCode(again.secret) })).ok).toBe(true);
  });
});
