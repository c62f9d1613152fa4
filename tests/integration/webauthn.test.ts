// Security keys and passkeys at sign-in, driven through @simplewebauthn/server with a software
// authenticator (tests/support/soft-authenticator.ts), on PGlite and PostgreSQL.
import { describe, expect, it } from "vitest";
import { redeemChallenge } from "@/lib/auth/sign-in/challenge";
import { checkPassword, verifyChallengeSecondFactor } from "@/lib/auth/sign-in";
import { AuditType } from "@/lib/audit";
import { ErrorCode } from "@/lib/errors";
import { webAuthnAuthenticationOptions } from "@/lib/two-factor/webauthn/assertion";
import { listWebAuthnCredentials } from "@/lib/two-factor/webauthn/credentials";
import { removeWebAuthnCredential } from "@/lib/two-factor/webauthn/remove";
import { SoftAuthenticator } from "../support/soft-authenticator";
import { freshDatabasePerFile } from "./database";
import { auditTypes, makeUserWithTwoFactor, meta, PASSWORD } from "./fixtures";
import { key, registerKey, rp, signInOptions, startSignIn, totp, userWithKey } from "./webauthn-fixtures";

const { prisma } = freshDatabasePerFile();

describe("signing in with a key", () => {
  it("the key's assertion for this sign-in's options finishes it: exactly one session", async () => {
    const { user, authenticator } = await userWithKey();
    const { token, options } = await startSignIn(user.email);
    expect(options.allowCredentials?.map((c) => c.id)).toEqual([authenticator.id]);
    expect(options.rpId).toBe(rp.id);
    expect(await redeemChallenge(token)).toBeNull();
    await verifyChallengeSecondFactor(token, key(authenticator.assert(options)), meta);
    expect((await redeemChallenge(token))?.id).toBe(user.id);
    expect(await redeemChallenge(token)).toBeNull();
    const [stored] = await listWebAuthnCredentials(user.id);
    expect(stored!.lastUsedAt).not.toBeNull();
    expect(await auditTypes(user.id)).toContain(AuditType.webAuthnUsed);
  });

  it("refuses a key that is not the user's: an unknown authenticator, or another user's key", async () => {
    const { user } = await userWithKey("Alice");
    const mallory = await userWithKey("Mallory");
    const { token, options } = await startSignIn(user.email);
    await expect(
      verifyChallengeSecondFactor(token, key(new SoftAuthenticator(rp).assert(options)), meta),
    ).rejects.toMatchObject({ code: ErrorCode.invalidCode, message: expect.stringContaining("4 attempts left") });
    const fresh = await signInOptions(token);
    await expect(
      verifyChallengeSecondFactor(token, key(mallory.authenticator.assert(fresh)), meta),
    ).rejects.toMatchObject({
      code: ErrorCode.invalidCode,
    });
    expect(await redeemChallenge(token)).toBeNull();
    expect(await auditTypes(user.id)).toContain(AuditType.twoFactorFailed);
  });

  it("refuses an assertion made on another site (phishing origin)", async () => {
    const { user, authenticator } = await userWithKey();
    const { token, options } = await startSignIn(user.email);
    const phished = authenticator.assert(options, { origin: "https://twofold-login.example.net" });
    await expect(verifyChallengeSecondFactor(token, key(phished), meta)).rejects.toMatchObject({
      code: ErrorCode.invalidCode,
    });
    expect(await redeemChallenge(token)).toBeNull();
  });

  it("refuses a removed key", async () => {
    const { user, authenticator, key: stored, nextCode } = await userWithKey();
    await removeWebAuthnCredential(user.id, stored.id, totp(await nextCode()), meta);
    const { token } = await checkPassword(user.email, PASSWORD, meta);
    await expect(signInOptions(token)).rejects.toMatchObject({ code: ErrorCode.notEnabled });
    // Options from before the removal, answered by the removed key.
    await registerKey(user.id, "Spare");
    const options = await signInOptions(token);
    await expect(verifyChallengeSecondFactor(token, key(authenticator.assert(options)), meta)).rejects.toMatchObject({
      code: ErrorCode.invalidCode,
    });
    expect(await redeemChallenge(token)).toBeNull();
  });

  // With a counterless key (always 0, like many passkeys) only the ceremony's single use stands in the way.
  for (const [kind, counterStep] of [
    ["a key with a counter", 1],
    ["a key without one", 0],
  ] as const) {
    it(`refuses a replayed assertion on its own sign-in and on a later one (${kind})`, async () => {
      const { user } = await makeUserWithTwoFactor();
      const { authenticator } = await registerKey(user.id, "Key", new SoftAuthenticator(rp, counterStep));
      const first = await startSignIn(user.email);
      const assertion = authenticator.assert(first.options);
      await verifyChallengeSecondFactor(first.token, key(assertion), meta);
      await expect(verifyChallengeSecondFactor(first.token, key(assertion), meta)).rejects.toMatchObject({
        code: ErrorCode.challengeExpired,
      });
      const second = await startSignIn(user.email);
      await expect(verifyChallengeSecondFactor(second.token, key(assertion), meta)).rejects.toMatchObject({
        code: ErrorCode.codeAlreadyUsed,
      });
      expect(await redeemChallenge(second.token)).toBeNull();
      expect(await auditTypes(user.id)).toContain(AuditType.twoFactorReplay);
    });

    it(`20 parallel uses of one assertion: exactly 1 succeeds (${kind})`, async () => {
      const { user } = await makeUserWithTwoFactor();
      const { authenticator } = await registerKey(user.id, "Key", new SoftAuthenticator(rp, counterStep));
      const { token, options } = await startSignIn(user.email);
      const assertion = authenticator.assert(options);
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, () => verifyChallengeSecondFactor(token, key(assertion), meta)),
      );
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const row = await prisma().webAuthnCredential.findFirstOrThrow({ where: { userId: user.id } });
      expect(row.counter).toBe(BigInt(authenticator.counter));
      expect((await auditTypes(user.id)).filter((t) => t === AuditType.webAuthnUsed)).toHaveLength(1);
    });
  }

  it("refuses an expired ceremony, and a ceremony of another login challenge", async () => {
    const { user, authenticator } = await userWithKey();
    const one = await startSignIn(user.email);
    const two = await startSignIn(user.email);
    const forOne = authenticator.assert(one.options);
    await expect(verifyChallengeSecondFactor(two.token, key(forOne), meta)).rejects.toMatchObject({
      code: ErrorCode.codeAlreadyUsed,
    });
    expect(await redeemChallenge(two.token)).toBeNull();
    const forTwo = authenticator.assert(await signInOptions(two.token));
    await prisma().webAuthnCeremony.updateMany({
      where: { loginChallenge: { userId: user.id } },
      data: { expiresAt: new Date(Date.now() - 1) },
    });
    await expect(verifyChallengeSecondFactor(two.token, key(forTwo), meta)).rejects.toMatchObject({
      code: ErrorCode.codeAlreadyUsed,
    });
    expect(await redeemChallenge(two.token)).toBeNull();
    // A ceremony expires with its login challenge, and dies with it.
    const three = await startSignIn(user.email);
    await prisma().loginChallenge.updateMany({
      where: { userId: user.id },
      data: { expiresAt: new Date(Date.now() - 1) },
    });
    await expect(
      verifyChallengeSecondFactor(three.token, key(authenticator.assert(three.options)), meta),
    ).rejects.toMatchObject({ code: ErrorCode.challengeExpired });
  });

  it("a password change since the password step ends the key sign-in and its options", async () => {
    const { user, authenticator } = await userWithKey();
    const { token, options } = await startSignIn(user.email);
    const challenge = await prisma().loginChallenge.findFirstOrThrow({ where: { userId: user.id } });
    await prisma().user.update({ where: { id: user.id }, data: { sessionVersion: { increment: 1 } } });
    await expect(verifyChallengeSecondFactor(token, key(authenticator.assert(options)), meta)).rejects.toMatchObject({
      code: ErrorCode.challengeExpired,
    });
    await expect(webAuthnAuthenticationOptions(user.id, { challengeId: challenge.id })).rejects.toMatchObject({
      code: ErrorCode.challengeExpired,
    });
    expect(await redeemChallenge(token)).toBeNull();
  });

  it("refuses a signature counter that did not increase, and audits a possibly copied key", async () => {
    const { user, authenticator } = await userWithKey();
    const first = await startSignIn(user.email);
    await verifyChallengeSecondFactor(first.token, key(authenticator.assert(first.options)), meta);
    for (const counter of [authenticator.counter, authenticator.counter - 1]) {
      const { token, options } = await startSignIn(user.email);
      await expect(
        verifyChallengeSecondFactor(token, key(authenticator.assert(options, { counter })), meta),
      ).rejects.toMatchObject({
        code: ErrorCode.invalidCode,
      });
      expect(await redeemChallenge(token)).toBeNull();
    }
    expect((await auditTypes(user.id)).filter((t) => t === AuditType.webAuthnCounterRegression)).toHaveLength(2);
    const next = await startSignIn(user.email);
    await verifyChallengeSecondFactor(next.token, key(authenticator.assert(next.options)), meta);
  });

  it("accepts a key without a counter (always 0) each time", async () => {
    const { user } = await makeUserWithTwoFactor();
    const { authenticator } = await registerKey(user.id, "Synced passkey", new SoftAuthenticator(rp, 0));
    for (let i = 0; i < 2; i++) {
      const { token, options } = await startSignIn(user.email);
      await verifyChallengeSecondFactor(token, key(authenticator.assert(options)), meta);
      expect((await redeemChallenge(token))?.id).toBe(user.id);
    }
  });

  it("refuses a malformed answer without spending an attempt", async () => {
    const { user } = await userWithKey();
    const { token } = await startSignIn(user.email);
    for (const response of [null, {}, "x", { id: "!", rawId: "!", type: "public-key", response: {} }]) {
      await expect(verifyChallengeSecondFactor(token, key(response as never), meta)).rejects.toMatchObject({
        code: ErrorCode.invalidCode,
      });
    }
    expect((await prisma().loginChallenge.findFirstOrThrow({ where: { userId: user.id } })).attempts).toBe(0);
  });
});

describe("attempt limits shared with codes", () => {
  it("5 wrong answers of either kind end a sign-in, even for the right key next", async () => {
    const { user, authenticator } = await userWithKey();
    const stranger = new SoftAuthenticator(rp);
    const { token } = await startSignIn(user.email);
    const errors = [];
    for (let i = 0; i < 5; i++) {
      const attempt =
        i % 2
          ? verifyChallengeSecondFactor(token, totp("000000"), meta)
          : verifyChallengeSecondFactor(token, key(stranger.assert(await signInOptions(token))), meta);
      errors.push(await attempt.catch((e) => e));
    }
    expect(errors.slice(0, 4).map((e) => e.code)).toEqual(Array(4).fill(ErrorCode.invalidCode));
    expect(errors[4].code).toBe(ErrorCode.challengeExpired);
    await expect(signInOptions(token)).rejects.toMatchObject({ code: ErrorCode.challengeExpired });
    const stale = await prisma().loginChallenge.findFirstOrThrow({ where: { userId: user.id } });
    expect(stale.attempts).toBe(5);
    expect(authenticator.counter).toBe(0);
  });

  it("10 wrong answers per user in 15 minutes, keys and codes together, lock both", async () => {
    const { user, authenticator, nextCode } = await userWithKey();
    const stranger = new SoftAuthenticator(rp);
    const results = [];
    for (let round = 0; round < 3; round++) {
      const { token } = await startSignIn(user.email);
      for (let i = 0; i < 4; i++) {
        const attempt =
          (round + i) % 2
            ? verifyChallengeSecondFactor(token, totp("000000"), meta)
            : verifyChallengeSecondFactor(token, key(stranger.assert(await signInOptions(token))), meta);
        results.push(await attempt.catch((e) => e));
      }
    }
    expect(results.slice(0, 9).every((e) => e.code === ErrorCode.invalidCode)).toBe(true);
    expect(results[9].code).toBe(ErrorCode.secondFactorLocked);
    const { token, options } = await startSignIn(user.email);
    await expect(verifyChallengeSecondFactor(token, key(authenticator.assert(options)), meta)).rejects.toMatchObject({
      code: ErrorCode.secondFactorLocked,
    });
    await expect(verifyChallengeSecondFactor(token, totp(await nextCode()), meta)).rejects.toMatchObject({
      code: ErrorCode.secondFactorLocked,
    });
    expect((await auditTypes(user.id)).filter((t) => t === AuditType.twoFactorLockout)).toHaveLength(1);
  });
});
