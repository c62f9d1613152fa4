// Security keys as one factor among others: recovery codes span factors, "has 2FA" counts a key, and
// turning 2FA off or an admin's Reset 2FA removes keys with everything else.
import { describe, expect, it } from "vitest";
import { enableEnforcement } from "@/lib/accounts/enforcement";
import { listMembers } from "@/lib/accounts/member-list";
import {
  beginChallengeKeyEnrolment,
  checkPassword,
  finishChallengeKeyEnrolment,
  verifyChallengeSecondFactor,
} from "@/lib/auth/sign-in";
import { redeemChallenge } from "@/lib/auth/sign-in/challenge";
import { resetMemberTwoFactor } from "@/lib/accounts/members";
import { ErrorCode } from "@/lib/errors";
import { beginEnrolment, confirmEnrolment } from "@/lib/two-factor/factors/totp-enrolment";
import { totpCode } from "@/lib/two-factor/totp";
import { webAuthnAuthenticationOptions } from "@/lib/two-factor/webauthn/assertion";
import { disableTwoFactor } from "@/lib/two-factor/manage";
import { twoFactorPolicy } from "@/lib/two-factor/policy";
import { listWebAuthnCredentials } from "@/lib/two-factor/webauthn/credentials";
import { removeWebAuthnCredential } from "@/lib/two-factor/webauthn/remove";
import { freshDatabasePerFile } from "./database";
import { makeUser, makeUserWithTwoFactor, meta, ownAccount, PASSWORD, setupNow, versionNow } from "./fixtures";
import { SoftAuthenticator } from "../support/soft-authenticator";
import { key, registerKey, rp, signInOptions, totp } from "./webauthn-fixtures";

const { prisma } = freshDatabasePerFile();
const recovery = (code: string) => ({ method: "recovery" as const, code });

describe("what the password step says the second step offers", () => {
  it("the user's own factors, a security key first, then recovery codes; nothing without 2FA", async () => {
    const bare = await makeUser("Bare");
    expect(await checkPassword(bare.email, PASSWORD, meta)).toMatchObject({ requirement: "none", kinds: [] });

    const app = await makeUserWithTwoFactor("App");
    const appOnly = await checkPassword(app.user.email, PASSWORD, meta);
    expect(appOnly).toMatchObject({ requirement: "verify", kinds: ["totp", "recovery"] });

    const keyOnly = await makeUser("Key");
    await registerKey(keyOnly.id);
    expect((await checkPassword(keyOnly.email, PASSWORD, meta)).kinds).toEqual(["webauthn", "recovery"]);

    await registerKey(app.user.id);
    expect((await checkPassword(app.user.email, PASSWORD, meta)).kinds).toEqual(["webauthn", "totp", "recovery"]);
  });

  it("an account's enforcement asks a member without 2FA to enrol, offering nothing to answer with", async () => {
    const owner = await makeUserWithTwoFactor("Owner");
    const { accountId } = await prisma().membership.findFirstOrThrow({ where: { userId: owner.user.id } });
    const member = await makeUser("Member");
    await prisma().membership.create({ data: { userId: member.id, accountId, role: "member" } });
    await enableEnforcement(owner.user.id, accountId, 0, meta);
    expect(await checkPassword(member.email, PASSWORD, meta)).toMatchObject({ requirement: "enrol", kinds: [] });
  });
});

describe("a security key among the other factors", () => {
  it("a key alone is 2FA: sign-in asks for it, and a recovery code issued with it works", async () => {
    const user = await makeUser();
    const { authenticator, recoveryCodes } = await registerKey(user.id);
    expect((await twoFactorPolicy(user.id)).hasSecondFactor).toBe(true);
    const { token, requirement } = await checkPassword(user.email, PASSWORD, meta);
    expect(requirement).toBe("verify");
    await verifyChallengeSecondFactor(token, key(authenticator.assert(await signInOptions(token))), meta);
    const again = await checkPassword(user.email, PASSWORD, meta);
    const { result } = await verifyChallengeSecondFactor(again.token, recovery(recoveryCodes![0]!), meta);
    expect(result).toMatchObject({ method: "recovery", remaining: 9 });
  });

  it("adding the authenticator app after a key keeps the key's recovery codes (no new set)", async () => {
    const user = await makeUser();
    const { recoveryCodes } = await registerKey(user.id);
    const { secret } = await beginEnrolment(user, await setupNow(user.id));
    const enrolled = await confirmEnrolment(user.id, await totpCode(secret), meta, await versionNow(user.id));
    expect(enrolled.recoveryCodes).toBeNull();
    expect(await prisma().recoveryCode.count({ where: { userId: user.id, usedAt: null } })).toBe(10);
    const { token } = await checkPassword(user.email, PASSWORD, meta);
    await expect(verifyChallengeSecondFactor(token, recovery(recoveryCodes![3]!), meta)).resolves.toBeTruthy();
  });

  it("removing one key keeps the recovery codes while another factor remains; the last one takes them", async () => {
    const { user, nextCode } = await makeUserWithTwoFactor();
    const { key: stored } = await registerKey(user.id);
    const kept = await removeWebAuthnCredential(user.id, stored.id, totp(await nextCode()), meta);
    expect(kept.twoFactorOff).toBe(false);
    expect(await prisma().recoveryCode.count({ where: { userId: user.id } })).toBe(10);
    const keyOnly = await makeUser("KeyOnly");
    const one = await registerKey(keyOnly.id, "One");
    const two = await registerKey(keyOnly.id, "Two");
    const answer = two.authenticator.assert(await webAuthnAuthenticationOptions(keyOnly.id));
    await removeWebAuthnCredential(keyOnly.id, one.key.id, key(answer), meta);
    expect(await prisma().recoveryCode.count({ where: { userId: keyOnly.id } })).toBe(10);
    const last = await removeWebAuthnCredential(keyOnly.id, two.key.id, recovery(one.recoveryCodes![0]!), meta);
    expect(last.twoFactorOff).toBe(true);
    expect(await prisma().recoveryCode.count({ where: { userId: keyOnly.id } })).toBe(0);
    expect((await twoFactorPolicy(keyOnly.id)).hasSecondFactor).toBe(false);
  });

  it("turning 2FA off removes the keys too, and with them every way in", async () => {
    const { user, nextCode } = await makeUserWithTwoFactor();
    await registerKey(user.id);
    await disableTwoFactor(user.id, totp(await nextCode()), meta);
    expect(await listWebAuthnCredentials(user.id)).toEqual([]);
    const { requirement } = await checkPassword(user.email, PASSWORD, meta);
    expect(requirement).toBe("none");
  });

  it("an admin's Reset 2FA removes the member's keys and pending ceremonies", async () => {
    const admin = await makeUserWithTwoFactor("Owner");
    const owner = admin.user;
    const accountId = await ownAccount(owner.id);
    const member = await makeUser("Member");
    const membership = await prisma().membership.create({ data: { userId: member.id, accountId, role: "member" } });
    // The member owns their own account too: a co-owner there may reset them (lib/accounts/members.ts).
    await prisma().membership.create({
      data: { userId: owner.id, accountId: await ownAccount(member.id), role: "owner" },
    });
    await registerKey(member.id);
    const { token } = await checkPassword(member.email, PASSWORD, meta);
    await signInOptions(token);
    await resetMemberTwoFactor(owner.id, accountId, membership.id, await admin.proof(), meta);
    expect(await listWebAuthnCredentials(member.id)).toEqual([]);
    expect(await prisma().webAuthnCeremony.count({ where: { userId: member.id } })).toBe(0);
    expect((await twoFactorPolicy(member.id)).hasSecondFactor).toBe(false);
    await expect(signInOptions(token)).rejects.toMatchObject({ code: ErrorCode.challengeExpired });
  });

  it("enforcement counts a key as 2FA, forced enrolment at sign-in accepts a key, and the member list names the methods", async () => {
    const owner = await makeUser("Owner");
    const { accountId } = await prisma().membership.findFirstOrThrow({ where: { userId: owner.id, role: "owner" } });
    await expect(enableEnforcement(owner.id, accountId, 0, meta)).rejects.toMatchObject({
      code: ErrorCode.ownTwoFactorFirst,
    });
    await registerKey(owner.id);
    await enableEnforcement(owner.id, accountId, 0, meta);
    const member = await makeUser("Member");
    await prisma().membership.create({ data: { userId: member.id, accountId, role: "member" } });
    const { token, requirement } = await checkPassword(member.email, PASSWORD, meta);
    expect(requirement).toBe("enrol");
    const response = new SoftAuthenticator(rp).register(await beginChallengeKeyEnrolment(token));
    const { recoveryCodes } = await finishChallengeKeyEnrolment(token, { response, name: "Phone passkey" }, meta);
    expect(recoveryCodes).toHaveLength(10);
    expect((await redeemChallenge(token))?.id).toBe(member.id);
    const { members } = await listMembers(accountId);
    expect(members.map((m) => [m.name, m.methods])).toEqual([
      ["Member", ["security key"]],
      ["Owner", ["security key"]],
    ]);
  });
});
