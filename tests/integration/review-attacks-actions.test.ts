// Security review (issue 10), attacks by direct server-action calls: crafted arguments (another
// user's key, a ceremony from someone else or from a sign-in, a proof kind the user lacks, missing,
// extra and huge fields) and a stolen session cookie without a recent password or second factor.
// Each test passes when the product withstands the attack: a clear refusal, and nothing changed.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { enableEnforcement } from "@/lib/accounts/enforcement";
import { checkPassword, verifyChallengeSecondFactor } from "@/lib/auth/sign-in";
import { ErrorCode } from "@/lib/errors";
import { SoftAuthenticator } from "../support/soft-authenticator";
import { CHALLENGE_COOKIE, jar, submitSecondFactor } from "./browser";
import { freshDatabasePerFile } from "./database";
import { makeUserWithTwoFactor, meta, PASSWORD } from "./fixtures";
import { factorState, foreignAssertion, keyOnlyUser, signInAs, userWithAppAndKey } from "./review-attack-helpers";
import { key, rp, signInOptions, totp } from "./webauthn-fixtures";

vi.mock("next/headers", async () => (await import("./browser")).nextHeaders);
const profile = await import("@/app/(app)/profile/actions");
const keys = await import("@/app/(app)/profile/key-actions");
const confirm = await import("@/app/(app)/confirm-actions");
const login = await import("@/app/(auth)/login/actions");
const authentication = await import("@/app/(app)/settings/authentication/actions");
const devices = await import("@/app/(app)/profile/device-actions");
const sessions = await import("@/app/(app)/profile/session-actions");

const { prisma } = freshDatabasePerFile();
beforeEach(() => jar.clear());

const refused = (code?: ErrorCode) => (code ? { ok: false, code } : { ok: false });
const keyOptions = async () => (await confirm.confirmKeyOptions({})).data as Parameters<SoftAuthenticator["assert"]>[0];

describe("review: crafted server-action arguments", () => {
  it("another user's key id: rename and remove answer 'not found' and change nothing", async () => {
    const alice = await userWithAppAndKey("Alice");
    const mallory = await makeUserWithTwoFactor("Mallory");
    const before = await factorState(alice.user.id);
    await signInAs(mallory.user);
    expect(await keys.renameSecurityKey({ id: alice.key.id, name: "pwned" })).toMatchObject(
      refused(ErrorCode.notFound),
    );
    expect(await keys.removeSecurityKey({ id: alice.key.id, proof: totp(await mallory.nextCode()) })).toMatchObject(
      refused(ErrorCode.notFound),
    );
    expect(await factorState(alice.user.id)).toEqual(before);
  });

  it("a proof of a kind the user lacks is refused everywhere and changes nothing", async () => {
    const keyOnly = await keyOnlyUser();
    const before = await factorState(keyOnly.user.id);
    await signInAs(keyOnly.user);
    const code = totp("123456");
    expect(await profile.turnOffTwoFactor(code)).toMatchObject(refused(ErrorCode.invalidCode));
    expect(await profile.regenerateCodes(code)).toMatchObject(refused(ErrorCode.invalidCode));
    expect(await profile.removeAuthenticator(code)).toMatchObject(refused(ErrorCode.notEnabled));
    expect(await keys.removeSecurityKey({ id: keyOnly.key.id, proof: code })).toMatchObject(
      refused(ErrorCode.invalidCode),
    );
    expect(await factorState(keyOnly.user.id)).toEqual(before);

    const appOnly = await makeUserWithTwoFactor("AppOnly");
    const appBefore = await factorState(appOnly.user.id);
    await signInAs(appOnly.user);
    const webauthn = key(foreignAssertion());
    expect(await profile.turnOffTwoFactor(webauthn)).toMatchObject(refused(ErrorCode.codeAlreadyUsed));
    expect(await profile.regenerateCodes(webauthn)).toMatchObject(refused());
    expect(await profile.removeAuthenticator(webauthn)).toMatchObject(refused());
    expect(await factorState(appOnly.user.id)).toEqual(appBefore);
  });

  it("an assertion made for a sign-in, or for another user's ceremony, does not confirm a change", async () => {
    const alice = await userWithAppAndKey("Alice");
    const mallory = await userWithAppAndKey("Mallory");
    const before = await factorState(alice.user.id);
    // A sign-in assertion (captured by a malicious page or extension) replayed to remove the key.
    const { token } = await checkPassword(alice.user.email, PASSWORD, meta);
    const signInAnswer = alice.authenticator.assert(await signInOptions(token));
    await signInAs(alice.user);
    expect(await keys.removeSecurityKey({ id: alice.key.id, proof: key(signInAnswer) })).toMatchObject(refused());
    // Alice's key tricked into signing Mallory's confirm ceremony, used on Alice's account.
    jar.clear();
    await signInAs(mallory.user);
    const mallorysOptions = await keyOptions();
    jar.clear();
    await signInAs(alice.user);
    const crossUser = key(alice.authenticator.assert(mallorysOptions));
    expect(await profile.turnOffTwoFactor(crossUser)).toMatchObject(refused());
    // A confirm assertion of Alice's replayed at her sign-in.
    const confirmAnswer = key(alice.authenticator.assert(await keyOptions()));
    const { token: second } = await checkPassword(alice.user.email, PASSWORD, meta);
    await signInOptions(second);
    await expect(verifyChallengeSecondFactor(second, confirmAnswer, meta)).rejects.toMatchObject({
      code: ErrorCode.codeAlreadyUsed,
    });
    const after = await factorState(alice.user.id);
    expect({ ...after, webAuthnCredentials: after.webAuthnCredentials.map((c) => c.id) }).toEqual({
      ...before,
      webAuthnCredentials: before.webAuthnCredentials.map((c) => c.id),
    });
  });

  it("missing, extra and huge fields get a clear refusal (never 'unexpected') and change nothing", async () => {
    const victim = await userWithAppAndKey();
    const { accountId } = await prisma().membership.findFirstOrThrow({ where: { userId: victim.user.id } });
    const before = await factorState(victim.user.id);
    await signInAs(victim.user);
    const huge = "A".repeat(200_000);
    const attempts = {
      hugeKeyId: () => keys.removeSecurityKey({ id: huge, proof: totp("123456") }),
      noProof: () => keys.removeSecurityKey({ id: victim.key.id }),
      noArguments: () => keys.removeSecurityKey(undefined as never),
      unknownMethod: () => keys.removeSecurityKey({ id: victim.key.id, proof: { method: "email", code: "1" } }),
      hugeName: () => keys.renameSecurityKey({ id: victim.key.id, name: huge }),
      controlInName: () => keys.renameSecurityKey({ id: victim.key.id, name: "a\u0000b" }),
      objectAsName: () => keys.renameSecurityKey({ id: victim.key.id, name: { toString: "x" } as never }),
      hugeCode: () => profile.turnOffTwoFactor({ method: "totp", code: huge }),
      codeAsArray: () => profile.turnOffTwoFactor({ method: "totp", code: ["123456"] } as never),
      hugeAssertion: () => profile.regenerateCodes(key({ ...foreignAssertion(), id: huge, rawId: huge })),
      notBase64Assertion: () =>
        profile.turnOffTwoFactor(
          key({ ...foreignAssertion(), response: { ...foreignAssertion().response, clientDataJSON: "%%%" } }),
        ),
      clientDataNotJson: () =>
        profile.turnOffTwoFactor(
          key({
            ...foreignAssertion(),
            response: { ...foreignAssertion().response, clientDataJSON: Buffer.from("{").toString("base64url") },
          }),
        ),
      hugeRegistration: () =>
        keys.addSecurityKey({ name: "Evil", response: { id: "a", rawId: "a", response: { attestationObject: huge } } }),
      secondFactorOtherUser: () => submitSecondFactor({ method: "totp", code: "123456", userId: victim.user.id }),
      optionsForCodeKind: () => login.secondFactorOptions({ kind: "totp" } as never),
      hugeDevice: () => devices.forgetRememberedDevice({ deviceId: huge }),
      operatorAsHandle: () => sessions.signOutSession({ handle: { not: "" } as never }),
      hugeDays: () => authentication.setRememberDays({ accountId, days: "1e308" }),
      negativeDays: () => authentication.setRememberDays({ accountId, days: -1 }),
    };
    for (const [name, call] of Object.entries(attempts)) {
      const result = await call();
      expect({ name, ok: result.ok }).toEqual({ name, ok: false });
      expect({ name, code: result.code }).not.toEqual({ name, code: ErrorCode.unexpected });
    }
    expect(await factorState(victim.user.id)).toEqual(before);
  });

  it("the sign-in's key options need a challenge that asks for a key: none, another kind, or enrolment", async () => {
    const victim = await makeUserWithTwoFactor();
    expect(await login.secondFactorOptions({ kind: "webauthn" })).toMatchObject(refused(ErrorCode.challengeExpired));
    jar.set(CHALLENGE_COOKIE, "forged-token");
    expect(await login.secondFactorOptions({ kind: "webauthn" })).toMatchObject(refused(ErrorCode.challengeExpired));
    const { token } = await checkPassword(victim.user.email, PASSWORD, meta);
    jar.set(CHALLENGE_COOKIE, token);
    // An app-only user has no key: a clear refusal, and no ceremony is stored.
    expect(await login.secondFactorOptions({ kind: "webauthn" })).toMatchObject(refused(ErrorCode.notEnabled));
    expect(await prisma().webAuthnCeremony.count({ where: { userId: victim.user.id } })).toBe(0);
  });
});

describe("review: a stolen session cookie (no recent password, no second factor)", () => {
  it("cannot add, remove, regenerate, turn off or stop enforcement; nothing changes", async () => {
    const owner = await userWithAppAndKey("Owner");
    const { accountId } = await prisma().membership.findFirstOrThrow({ where: { userId: owner.user.id } });
    await enableEnforcement(owner.user.id, accountId, 0, meta);
    const before = await factorState(owner.user.id);
    const stolen = await signInAs(owner.user, { stale: true });
    const thiefKey = new SoftAuthenticator(rp);
    const forged = thiefKey.register({ challenge: "B".repeat(43) } as never);
    expect(await keys.securityKeyOptions({})).toMatchObject(refused(ErrorCode.passwordRequired));
    expect(await keys.addSecurityKey({ name: "Thief", response: forged })).toMatchObject(
      refused(ErrorCode.passwordRequired),
    );
    expect(await profile.startEnrolment({})).toMatchObject(refused(ErrorCode.passwordRequired));
    expect(await profile.enableTwoFactor({ code: "123456" })).toMatchObject(refused());
    // The thief can get a confirm ceremony, but only the owner's key can answer it.
    const thiefAnswer = key(thiefKey.assert(await keyOptions()));
    expect(await keys.removeSecurityKey({ id: owner.key.id, proof: thiefAnswer })).toMatchObject(refused());
    const guess = totp("000000");
    expect(await keys.removeSecurityKey({ id: owner.key.id, proof: guess })).toMatchObject(refused());
    expect(await profile.removeAuthenticator(guess)).toMatchObject(refused());
    expect(await profile.regenerateCodes(guess)).toMatchObject(refused());
    expect(await profile.turnOffTwoFactor(guess)).toMatchObject(refused(ErrorCode.enforcedByAccount));
    expect(await authentication.stopEnforcingTwoFactor({ ...guess, accountId })).toMatchObject(refused());
    expect(await profile.confirmPasswordAgain({ password: "guess" })).toMatchObject(refused());
    const after = await factorState(owner.user.id);
    expect(after).toEqual(before);
    expect((await prisma().session.findUniqueOrThrow({ where: { id: stolen.sid } })).revokedAt).toBeNull();
  });
});
