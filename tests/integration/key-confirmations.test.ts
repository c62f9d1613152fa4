// A user whose only factor is a security key confirms changes with it: every place that asks for a
// fresh second factor takes the one proof shape and checks it in verifySecondFactor, against a
// "confirm" ceremony bound to that user, spent once.
import { describe, expect, it } from "vitest";
import { disableEnforcement, enableEnforcement } from "@/lib/accounts/enforcement";
import { checkPassword, verifyChallengeSecondFactor } from "@/lib/auth/sign-in";
import { ErrorCode } from "@/lib/errors";
import { disableTwoFactor, regenerateRecoveryCodes } from "@/lib/two-factor/manage";
import { twoFactorPolicy } from "@/lib/two-factor/policy";
import { webAuthnAuthenticationOptions } from "@/lib/two-factor/webauthn/assertion";
import { freshDatabasePerFile } from "./database";
import { makeUser, meta, PASSWORD } from "./fixtures";
import { key, registerKey, signInOptions } from "./webauthn-fixtures";

const { prisma } = freshDatabasePerFile();
const recovery = (code: string) => ({ method: "recovery" as const, code });

/** A user with a security key and its recovery codes, and nothing else. */
async function keyOnlyUser(name = "Keyholder") {
  const user = await makeUser(name);
  const { authenticator, recoveryCodes } = await registerKey(user.id);
  const answer = async () => key(authenticator.assert(await webAuthnAuthenticationOptions(user.id)));
  return { user, authenticator, recoveryCodes: recoveryCodes!, answer };
}

const accountOf = async (userId: string) =>
  (await prisma().membership.findFirstOrThrow({ where: { userId, role: "owner" } })).accountId;

describe("a security key confirms a change", () => {
  it("a key-only user regenerates recovery codes with the key; a recovery code cannot stand in", async () => {
    const { user, recoveryCodes, answer } = await keyOnlyUser();
    await expect(regenerateRecoveryCodes(user.id, recovery(recoveryCodes[0]!), meta)).rejects.toMatchObject({
      code: ErrorCode.invalidInput,
    });
    const { recoveryCodes: fresh } = await regenerateRecoveryCodes(user.id, await answer(), meta);
    expect(fresh).toHaveLength(10);
    // The old set, untouched by the refused attempt, stops working now; the new one works.
    const { token } = await checkPassword(user.email, PASSWORD, meta);
    await expect(verifyChallengeSecondFactor(token, recovery(recoveryCodes[0]!), meta)).rejects.toMatchObject({
      code: ErrorCode.invalidCode,
    });
    await expect(verifyChallengeSecondFactor(token, recovery(fresh[0]!), meta)).resolves.toBeTruthy();
  });

  it("a key-only owner stops enforcing 2FA with the key", async () => {
    const { user, answer } = await keyOnlyUser("Owner");
    const accountId = await accountOf(user.id);
    await enableEnforcement(user.id, accountId, 0, meta);
    await disableEnforcement(user.id, accountId, await answer(), meta);
    const account = await prisma().account.findUniqueOrThrow({ where: { id: accountId } });
    expect(account.enforceTwoFactor).toBe(false);
    const event = await prisma().auditEvent.findFirstOrThrow({ where: { actorId: user.id, type: "enforcement.off" } });
    expect(event.details).toMatchObject({ method: "webauthn" });
  });

  it("a key-only user turns 2FA off with the key", async () => {
    const { user, answer } = await keyOnlyUser();
    await disableTwoFactor(user.id, await answer(), meta);
    expect((await twoFactorPolicy(user.id)).hasSecondFactor).toBe(false);
  });

  it("a replayed assertion is refused and changes nothing", async () => {
    const { user, answer } = await keyOnlyUser();
    const proof = await answer();
    const { recoveryCodes: fresh } = await regenerateRecoveryCodes(user.id, proof, meta);
    await expect(regenerateRecoveryCodes(user.id, proof, meta)).rejects.toMatchObject({
      code: ErrorCode.codeAlreadyUsed,
    });
    const { token } = await checkPassword(user.email, PASSWORD, meta);
    await expect(verifyChallengeSecondFactor(token, recovery(fresh[1]!), meta)).resolves.toBeTruthy();
  });

  it("another user's key, or an answer made for another user's or a sign-in's ceremony, is refused", async () => {
    const alice = await keyOnlyUser("Alice");
    const mallory = await keyOnlyUser("Mallory");
    // Mallory's key signs Alice's options: the ceremony is Alice's, the key is not.
    const foreignKey = key(mallory.authenticator.assert(await webAuthnAuthenticationOptions(alice.user.id)));
    await expect(disableTwoFactor(alice.user.id, foreignKey, meta)).rejects.toMatchObject({
      code: ErrorCode.invalidCode,
    });
    // Mallory's own valid answer, sent as Alice's proof: no ceremony of Alice's carries its challenge.
    await expect(disableTwoFactor(alice.user.id, await mallory.answer(), meta)).rejects.toMatchObject({
      code: ErrorCode.codeAlreadyUsed,
    });
    // Alice's answer over a sign-in's options (bound to that login challenge) cannot confirm a change.
    const { token } = await checkPassword(alice.user.email, PASSWORD, meta);
    const signIn = key(alice.authenticator.assert(await signInOptions(token)));
    await expect(disableTwoFactor(alice.user.id, signIn, meta)).rejects.toMatchObject({
      code: ErrorCode.codeAlreadyUsed,
    });
    expect((await twoFactorPolicy(alice.user.id)).hasSecondFactor).toBe(true);
    expect(await prisma().recoveryCode.count({ where: { userId: alice.user.id, usedAt: null } })).toBe(10);
  });
});
