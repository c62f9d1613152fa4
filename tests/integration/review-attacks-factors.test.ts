// Security review (issue 10), attacks on removing factors, remembered devices, sessions and races:
// replayed, expired and copied-key assertions at "confirm a change", removals that would leave 2FA on
// without a factor, trust that should have ended, and one proof raced against itself.
// Each test passes when the product withstands the attack.
import { beforeEach, describe, expect, it, vi } from "vitest";
import {
  beginChallengeEnrolment,
  beginChallengeKeyEnrolment,
  checkPassword,
  finishChallengeEnrolment,
  finishChallengeKeyEnrolment,
  verifyChallengeSecondFactor,
} from "@/lib/auth/sign-in";
import { totpCode } from "@/lib/two-factor/totp";
import { SoftAuthenticator } from "../support/soft-authenticator";
import { ErrorCode } from "@/lib/errors";
import { disableTwoFactor, regenerateRecoveryCodes, removeAuthenticatorApp } from "@/lib/two-factor/manage";
import { hasSecondFactor } from "@/lib/two-factor/second-factor";
import { webAuthnAuthenticationOptions } from "@/lib/two-factor/webauthn/assertion";
import { removeWebAuthnCredential } from "@/lib/two-factor/webauthn/remove";
import { resetMemberTwoFactor } from "@/lib/accounts/members";
import { jar, pageOutcome, SESSION_COOKIE, sessionEndpoint, submitPassword, submitSecondFactor } from "./browser";
import { freshDatabasePerFile } from "./database";
import { makeUserWithTwoFactor, meta, PASSWORD } from "./fixtures";
import { enforceOn, factorState, keyOnlyUser, signInAs, userWithAppAndKey } from "./review-attack-helpers";
import { key, rp, signInOptions, totp } from "./webauthn-fixtures";

vi.mock("next/headers", async () => (await import("./browser")).nextHeaders);
const keys = await import("@/app/(app)/profile/key-actions");

const { prisma } = freshDatabasePerFile();
beforeEach(() => jar.clear());
const recovery = (code: string) => ({ method: "recovery" as const, code });
const DEVICE_COOKIE = "twofold.device";
type Victim = Awaited<ReturnType<typeof userWithAppAndKey>>;
const confirmAnswer = async (v: Victim, change: { counter?: number } = {}) =>
  key(v.authenticator.assert(await webAuthnAuthenticationOptions(v.user.id), change));
const fulfilled = (results: PromiseSettledResult<unknown>[]) => results.filter((r) => r.status === "fulfilled").length;

/** /login with "Don't ask again on this device" ticked; returns the device cookie this browser got. */
async function signInRemembering(v: Victim) {
  jar.clear();
  expect((await submitPassword({ email: v.user.email, password: PASSWORD })).data?.requirement).toBe("verify");
  expect(await submitSecondFactor({ ...totp(await v.nextCode()), remember: true })).toMatchObject({ ok: true });
  return jar.get(DEVICE_COOKIE)!;
}
const requirementWith = async (v: Victim, device: string) =>
  (await checkPassword(v.user.email, PASSWORD, meta, device)).requirement;

describe("review: confirming a change with a key", () => {
  it("a replayed, an expired and a copied key's (counter went back) assertion are refused; nothing changes", async () => {
    const v = await userWithAppAndKey();
    const answer = await confirmAnswer(v);
    await regenerateRecoveryCodes(v.user.id, answer, meta);
    const before = await factorState(v.user.id);
    await expect(removeWebAuthnCredential(v.user.id, v.key.id, answer, meta)).rejects.toMatchObject({
      code: ErrorCode.codeAlreadyUsed,
    });
    const late = await confirmAnswer(v);
    await prisma().webAuthnCeremony.updateMany({ where: { userId: v.user.id }, data: { expiresAt: new Date() } });
    await expect(disableTwoFactor(v.user.id, late, meta)).rejects.toMatchObject({ code: ErrorCode.codeAlreadyUsed });
    const copy = await confirmAnswer(v, { counter: 1 }); // the stored counter is already 1
    await expect(disableTwoFactor(v.user.id, copy, meta)).rejects.toMatchObject({ code: ErrorCode.invalidCode });
    expect(await factorState(v.user.id)).toEqual(before);
  });
});

describe("review: removing factors", () => {
  it("the last factor cannot go while an account enforces 2FA, and the recovery code offered is not spent", async () => {
    const v = await userWithAppAndKey();
    await removeWebAuthnCredential(v.user.id, v.key.id, totp(await v.nextCode()), meta);
    await enforceOn(v.user.id);
    const before = await factorState(v.user.id);
    await expect(removeAuthenticatorApp(v.user.id, recovery(v.recoveryCodes[0]!), meta)).rejects.toMatchObject({
      code: ErrorCode.enforcedByAccount,
    });
    await expect(disableTwoFactor(v.user.id, recovery(v.recoveryCodes[0]!), meta)).rejects.toMatchObject({
      code: ErrorCode.enforcedByAccount,
    });
    expect(await factorState(v.user.id)).toEqual(before);
    const { token } = await checkPassword(v.user.email, PASSWORD, meta);
    await verifyChallengeSecondFactor(token, recovery(v.recoveryCodes[0]!), meta);
  });

  it("the app removed with a recovery code: new codes need a real factor, and the old set dies with them", async () => {
    const v = await userWithAppAndKey();
    await removeAuthenticatorApp(v.user.id, recovery(v.recoveryCodes[0]!), meta);
    await expect(regenerateRecoveryCodes(v.user.id, recovery(v.recoveryCodes[1]!), meta)).rejects.toMatchObject({
      code: ErrorCode.invalidInput,
    });
    await expect(regenerateRecoveryCodes(v.user.id, totp(await v.nextCode()), meta)).rejects.toMatchObject({
      code: ErrorCode.invalidCode,
    });
    const { recoveryCodes } = await regenerateRecoveryCodes(v.user.id, await confirmAnswer(v), meta);
    const { token } = await checkPassword(v.user.email, PASSWORD, meta);
    for (const old of [v.recoveryCodes[0]!, v.recoveryCodes[1]!])
      await expect(verifyChallengeSecondFactor(token, recovery(old), meta)).rejects.toMatchObject({
        code: ErrorCode.invalidCode,
      });
    await verifyChallengeSecondFactor(token, recovery(recoveryCodes[0]!), meta);
  });

  it("removing a key from one browser ends every other session of the user", async () => {
    const v = await userWithAppAndKey();
    const other = await signInAs(v.user);
    jar.clear();
    await signInAs(v.user);
    expect(await keys.removeSecurityKey({ id: v.key.id, proof: totp(await v.nextCode()) })).toMatchObject({ ok: true });
    expect(await pageOutcome()).toBe("ok");
    jar.set(SESSION_COOKIE, other.token);
    expect(await pageOutcome()).toBe("/login");
  });
});

describe("review: sessions that should have ended", () => {
  it("a copy of this browser's cookie, taken before a key was removed here, is refused afterwards", async () => {
    const v = await userWithAppAndKey();
    const copy = await signInAs(v.user);
    expect(await keys.removeSecurityKey({ id: v.key.id, proof: totp(await v.nextCode()) })).toMatchObject({ ok: true });
    expect(jar.get(SESSION_COOKIE)).not.toBe(copy.token);
    expect(await pageOutcome()).toBe("ok");
    jar.set(SESSION_COOKIE, copy.token);
    expect(await pageOutcome()).toBe("/login");
  });

  it("an admin's Reset 2FA ends a key-only member's session; the session endpoint does not renew it", async () => {
    const owner = await makeUserWithTwoFactor("Owner");
    const member = await keyOnlyUser("Member");
    const { accountId } = await prisma().membership.findFirstOrThrow({ where: { userId: owner.user.id } });
    await prisma().membership.deleteMany({ where: { userId: member.user.id } });
    const { id } = await prisma().membership.create({ data: { userId: member.user.id, accountId, role: "member" } });
    const stolen = await signInAs(member.user);
    expect(await pageOutcome()).toBe("ok");
    await resetMemberTwoFactor(owner.user.id, accountId, id, await owner.proof(), meta);
    expect(await pageOutcome()).toBe("/login");
    jar.set(SESSION_COOKIE, stolen.token);
    expect(await sessionEndpoint()).toEqual({});
    expect(await prisma().webAuthnCredential.count({ where: { userId: member.user.id } })).toBe(0);
  });
});

describe("review: remembered devices", () => {
  it("removing the app (a key stays) or a key (the app stays) ends the trust; another user's cookie never helps", async () => {
    const alice = await userWithAppAndKey("Alice");
    const bob = await userWithAppAndKey("Bob");
    const alicesDevice = await signInRemembering(alice);
    expect(await requirementWith(alice, alicesDevice)).toBe("none");
    expect(await requirementWith(bob, alicesDevice)).toBe("verify");
    await removeAuthenticatorApp(alice.user.id, await confirmAnswer(alice), meta);
    expect(await requirementWith(alice, alicesDevice)).toBe("verify");

    const bobsDevice = await signInRemembering(bob);
    expect(await requirementWith(bob, bobsDevice)).toBe("none");
    await removeWebAuthnCredential(bob.user.id, bob.key.id, recovery(bob.recoveryCodes[0]!), meta);
    expect(await requirementWith(bob, bobsDevice)).toBe("verify");
  });
});

describe("review: races", () => {
  it("the app and the key removed at once under enforcement, 4 times: one wins, a factor always remains", async () => {
    for (let round = 0; round < 4; round++) {
      const v = await userWithAppAndKey();
      await enforceOn(v.user.id);
      const results = await Promise.allSettled([
        removeAuthenticatorApp(v.user.id, recovery(v.recoveryCodes[0]!), meta),
        removeWebAuthnCredential(v.user.id, v.key.id, recovery(v.recoveryCodes[1]!), meta),
      ]);
      expect(fulfilled(results)).toBe(1);
      expect(await hasSecondFactor(v.user.id)).toBe(true);
    }
  });

  it("the app and the key removed at once without enforcement: 2FA ends cleanly, no recovery code outlives it", async () => {
    for (let round = 0; round < 3; round++) {
      const v = await userWithAppAndKey();
      const results = await Promise.allSettled([
        removeAuthenticatorApp(v.user.id, recovery(v.recoveryCodes[0]!), meta),
        removeWebAuthnCredential(v.user.id, v.key.id, recovery(v.recoveryCodes[1]!), meta),
      ]);
      expect(fulfilled(results)).toBe(2);
      expect(await hasSecondFactor(v.user.id)).toBe(false);
      expect(await prisma().recoveryCode.count({ where: { userId: v.user.id } })).toBe(0);
    }
  });

  it("one confirm assertion sent 8 times at once: exactly one new set of recovery codes", async () => {
    const v = await userWithAppAndKey();
    const answer = await confirmAnswer(v);
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () => regenerateRecoveryCodes(v.user.id, answer, meta)),
    );
    expect(fulfilled(results)).toBe(1);
  });

  it("one sign-in assertion sent 8 times at once: exactly one passes", async () => {
    const v = await userWithAppAndKey();
    const { token } = await checkPassword(v.user.email, PASSWORD, meta);
    const answer = key(v.authenticator.assert(await signInOptions(token)));
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () => verifyChallengeSecondFactor(token, answer, meta)),
    );
    expect(fulfilled(results)).toBe(1);
  });

  it("one recovery code spent at once on removing the app and on turning 2FA off: one succeeds", async () => {
    const v = await userWithAppAndKey();
    const code = recovery(v.recoveryCodes[0]!);
    const results = await Promise.allSettled([
      removeAuthenticatorApp(v.user.id, code, meta),
      disableTwoFactor(v.user.id, code, meta),
    ]);
    expect(fulfilled(results)).toBe(1);
  });

  it("forced enrolment finished with the app and a key at once, 3 times: one factor, and its codes work", async () => {
    for (let round = 0; round < 3; round++) {
      const owner = await makeUserWithTwoFactor("Owner");
      const member = await keyOnlyUser("Member"); // its key and codes go: Reset 2FA-like start
      await prisma().webAuthnCredential.deleteMany({ where: { userId: member.user.id } });
      await prisma().recoveryCode.deleteMany({ where: { userId: member.user.id } });
      const { accountId } = await prisma().membership.findFirstOrThrow({ where: { userId: owner.user.id } });
      await prisma().membership.create({ data: { userId: member.user.id, accountId, role: "member" } });
      await enforceOn(owner.user.id);
      const { token, requirement } = await checkPassword(member.user.email, PASSWORD, meta);
      expect(requirement).toBe("enrol");
      const { secret } = await beginChallengeEnrolment(token);
      const options = await beginChallengeKeyEnrolment(token);
      const response = new SoftAuthenticator(rp).register(options);
      const results = await Promise.allSettled([
        finishChallengeEnrolment(token, await totpCode(secret), meta),
        finishChallengeKeyEnrolment(token, { response, name: "Key" }, meta),
      ]);
      const winners = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
      expect(winners).toHaveLength(1);
      const state = await factorState(member.user.id);
      expect(Number(state.totpEnabledAt !== null) + state.webAuthnCredentials.length).toBe(1);
      const { token: next } = await checkPassword(member.user.email, PASSWORD, meta);
      await verifyChallengeSecondFactor(next, recovery(winners[0]!.recoveryCodes[0]!), meta);
    }
  });
});
