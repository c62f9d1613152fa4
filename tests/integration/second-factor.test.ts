import { describe, expect, it } from "vitest";
import { redeemChallenge } from "@/lib/auth/sign-in/challenge";
import { checkPassword, verifyChallengeSecondFactor } from "@/lib/auth/sign-in";
import { AuditType } from "@/lib/audit";
import { ErrorCode } from "@/lib/errors";
import { beginEnrolment, confirmEnrolment } from "@/lib/two-factor/factors/totp-enrolment";
import { disableTwoFactor, regenerateRecoveryCodes } from "@/lib/two-factor/manage";
import { twoFactorPolicy } from "@/lib/two-factor/policy";
import { totpCode } from "@/lib/two-factor/totp";
import { countUnusedRecoveryCodes } from "@/lib/two-factor/factors/recovery-code";
import { freshDatabasePerFile } from "./database";
import { auditTypes, mailsTo, makeUser, makeUserWithTwoFactor, meta, PASSWORD, setupNow, versionNow } from "./fixtures";

const { prisma } = freshDatabasePerFile();
const totp = (code: string) => ({ method: "totp" as const, code });
const recovery = (code: string) => ({ method: "recovery" as const, code });

describe("enrolment", () => {
  it("turns 2FA on only after a valid code for the pending secret", async () => {
    const user = await makeUser();
    const { secret, uri } = await beginEnrolment(user, await setupNow(user.id));
    expect(uri).toContain(encodeURIComponent(user.email));
    await expect(confirmEnrolment(user.id, "000000", meta, await versionNow(user.id))).rejects.toMatchObject({
      code: ErrorCode.invalidCode,
    });
    expect((await twoFactorPolicy(user.id)).hasSecondFactor).toBe(false);
    const { recoveryCodes } = await confirmEnrolment(user.id, await totpCode(secret), meta, await versionNow(user.id));
    expect(recoveryCodes).toHaveLength(10);
    expect((await twoFactorPolicy(user.id)).requirement).toBe("verify");
    expect(await prisma().totpEnrolment.count({ where: { userId: user.id } })).toBe(0);
    expect(await auditTypes(user.id)).toEqual(
      expect.arrayContaining([AuditType.twoFactorEnabled, AuditType.recoveryCodesGenerated]),
    );
    expect((await mailsTo(user.email)).map((m) => m.subject)).toContain("Two-factor authentication is on");
  });

  it("expires a pending secret after 10 minutes", async () => {
    const user = await makeUser();
    const { secret } = await beginEnrolment(user, await setupNow(user.id));
    await prisma().totpEnrolment.update({ where: { userId: user.id }, data: { expiresAt: new Date(Date.now() - 1) } });
    await expect(
      confirmEnrolment(user.id, await totpCode(secret), meta, await versionNow(user.id)),
    ).rejects.toMatchObject({
      code: ErrorCode.enrolmentExpired,
    });
  });

  it("binds the pending secret to its user: another user's code does not enable it", async () => {
    const alice = await makeUser("Alice");
    const mallory = await makeUser("Mallory");
    const { secret: aliceSecret } = await beginEnrolment(alice, await setupNow(alice.id));
    await beginEnrolment(mallory, await setupNow(mallory.id));
    await expect(
      confirmEnrolment(mallory.id, await totpCode(aliceSecret), meta, await versionNow(mallory.id)),
    ).rejects.toMatchObject({
      code: ErrorCode.invalidCode,
    });
  });

  it("refuses to start a second enrolment while 2FA is on", async () => {
    const { user } = await makeUserWithTwoFactor();
    await expect(beginEnrolment(user, await setupNow(user.id))).rejects.toMatchObject({
      code: ErrorCode.alreadyEnabled,
    });
  });

  it("does not accept the enrolment code again at sign-in (replay)", async () => {
    const user = await makeUser();
    const { secret } = await beginEnrolment(user, await setupNow(user.id));
    const code = await totpCode(secret);
    await confirmEnrolment(user.id, code, meta, await versionNow(user.id));
    const { token } = await checkPassword(user.email, PASSWORD, meta);
    await expect(verifyChallengeSecondFactor(token, totp(code), meta)).rejects.toMatchObject({
      code: ErrorCode.codeAlreadyUsed,
    });
  });
});

describe("two-step sign-in", () => {
  it("creates no session before the second factor, and exactly one after it", async () => {
    const { user, nextCode } = await makeUserWithTwoFactor();
    const { token, requirement } = await checkPassword(user.email, PASSWORD, meta);
    expect(requirement).toBe("verify");
    expect(await redeemChallenge(token)).toBeNull();
    await verifyChallengeSecondFactor(token, totp(await nextCode()), meta);
    expect((await redeemChallenge(token))?.id).toBe(user.id);
    expect(await redeemChallenge(token)).toBeNull();
  });

  it("refuses a code that was already used, also one from an earlier step inside the window", async () => {
    const { user, secret } = await makeUserWithTwoFactor();
    const later = await totpCode(secret, Date.now() + 30_000);
    const earlier = await totpCode(secret, Date.now());
    const first = await checkPassword(user.email, PASSWORD, meta);
    await verifyChallengeSecondFactor(first.token, totp(later), meta);
    const second = await checkPassword(user.email, PASSWORD, meta);
    await expect(verifyChallengeSecondFactor(second.token, totp(later), meta)).rejects.toMatchObject({
      code: ErrorCode.codeAlreadyUsed,
    });
    await expect(verifyChallengeSecondFactor(second.token, totp(earlier), meta)).rejects.toMatchObject({
      code: ErrorCode.codeAlreadyUsed,
    });
    expect(await auditTypes(user.id)).toContain(AuditType.twoFactorReplay);
  });

  it("rejects malformed codes without spending an attempt", async () => {
    const { user, nextCode } = await makeUserWithTwoFactor();
    const { token } = await checkPassword(user.email, PASSWORD, meta);
    for (const bad of ["12345", "1234567", "+12345", "١٢٣٤٥٦", "abcdef"]) {
      await expect(verifyChallengeSecondFactor(token, totp(bad), meta)).rejects.toMatchObject({
        code: ErrorCode.invalidCode,
      });
    }
    const challenge = await prisma().loginChallenge.findFirstOrThrow({ where: { userId: user.id } });
    expect(challenge.attempts).toBe(0);
    await verifyChallengeSecondFactor(token, totp(await nextCode()), meta);
  });

  it("kills a challenge after 5 wrong codes, even for the right code next", async () => {
    const { user, nextCode } = await makeUserWithTwoFactor();
    const { token } = await checkPassword(user.email, PASSWORD, meta);
    const errors = [];
    for (let i = 0; i < 5; i++)
      errors.push(await verifyChallengeSecondFactor(token, totp("000000"), meta).catch((e) => e));
    expect(errors.slice(0, 4).map((e) => e.code)).toEqual(Array(4).fill(ErrorCode.invalidCode));
    expect(errors[3].message).toContain("1 attempt left");
    expect(errors[4].code).toBe(ErrorCode.challengeExpired);
    await expect(verifyChallengeSecondFactor(token, totp(await nextCode()), meta)).rejects.toMatchObject({
      code: ErrorCode.challengeExpired,
    });
    expect(await redeemChallenge(token)).toBeNull();
    expect((await auditTypes(user.id)).filter((t) => t === AuditType.challengeExhausted)).toHaveLength(1);
  });

  it("the right code as the fifth and last attempt signs in", async () => {
    const { user, nextCode } = await makeUserWithTwoFactor();
    const { token } = await checkPassword(user.email, PASSWORD, meta);
    for (let i = 0; i < 4; i++) await verifyChallengeSecondFactor(token, totp("000000"), meta).catch(() => {});
    await verifyChallengeSecondFactor(token, totp(await nextCode()), meta);
    expect(await redeemChallenge(token)).toMatchObject({ id: user.id });
    expect(await redeemChallenge(token)).toBeNull(); // once
  });

  it("locks the user's second factor after 10 wrong codes across challenges, with one audit event", async () => {
    const { user, nextCode } = await makeUserWithTwoFactor();
    const results = [];
    for (let round = 0; round < 3; round++) {
      const { token } = await checkPassword(user.email, PASSWORD, meta);
      for (let i = 0; i < 4; i++)
        results.push(await verifyChallengeSecondFactor(token, totp("000000"), meta).catch((e) => e));
    }
    expect(results.slice(0, 9).every((e) => e.code === ErrorCode.invalidCode)).toBe(true);
    expect(results[9].code).toBe(ErrorCode.secondFactorLocked);
    expect(results[9].message).toMatch(/locked until .*GMT/);
    const { token } = await checkPassword(user.email, PASSWORD, meta);
    await expect(verifyChallengeSecondFactor(token, totp(await nextCode()), meta)).rejects.toMatchObject({
      code: ErrorCode.secondFactorLocked,
    });
    expect((await auditTypes(user.id)).filter((t) => t === AuditType.twoFactorLockout)).toHaveLength(1);
  });

  it("a password change kills an open challenge", async () => {
    const { user, nextCode } = await makeUserWithTwoFactor();
    const { token } = await checkPassword(user.email, PASSWORD, meta);
    await prisma().user.update({ where: { id: user.id }, data: { sessionVersion: { increment: 1 } } });
    await expect(verifyChallengeSecondFactor(token, totp(await nextCode()), meta)).rejects.toMatchObject({
      code: ErrorCode.challengeExpired,
    });
  });

  it("expires a challenge after 5 minutes and stores only its hash", async () => {
    const { user, nextCode } = await makeUserWithTwoFactor();
    const { token } = await checkPassword(user.email, PASSWORD, meta);
    const row = await prisma().loginChallenge.findFirstOrThrow({ where: { userId: user.id } });
    expect(row.tokenHash).not.toBe(token);
    expect(Buffer.from(token, "base64url").length * 8).toBeGreaterThanOrEqual(128);
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBeLessThanOrEqual(5 * 60_000 + 1000);
    await prisma().loginChallenge.update({ where: { id: row.id }, data: { expiresAt: new Date(Date.now() - 1) } });
    await expect(verifyChallengeSecondFactor(token, totp(await nextCode()), meta)).rejects.toMatchObject({
      code: ErrorCode.challengeExpired,
    });
  });
});

describe("recovery codes", () => {
  it("signs in once per code, case- and dash-insensitively, and reports what is left", async () => {
    const { user, recoveryCodes } = await makeUserWithTwoFactor();
    const code = recoveryCodes[0]!;
    const first = await checkPassword(user.email, PASSWORD, meta);
    const { result } = await verifyChallengeSecondFactor(
      first.token,
      recovery(code.toLowerCase().replace("-", "")),
      meta,
    );
    expect(result).toEqual({ ok: true, method: "recovery", remaining: 9 });
    const second = await checkPassword(user.email, PASSWORD, meta);
    await expect(verifyChallengeSecondFactor(second.token, recovery(code), meta)).rejects.toMatchObject({
      code: ErrorCode.invalidCode,
    });
    expect(await auditTypes(user.id)).toContain(AuditType.recoveryCodeUsed);
    const mail = (await mailsTo(user.email)).find((m) => m.subject.includes("recovery code was used"));
    expect(mail?.text).toContain("9 unused codes remain");
    expect(mail?.text).not.toContain(code);
  });

  it("regenerating needs a current code and makes every old code stop working", async () => {
    const { user, recoveryCodes, nextCode } = await makeUserWithTwoFactor();
    await expect(regenerateRecoveryCodes(user.id, totp("000000"), meta)).rejects.toMatchObject({
      code: ErrorCode.invalidCode,
    });
    const { recoveryCodes: fresh } = await regenerateRecoveryCodes(user.id, totp(await nextCode()), meta);
    expect(fresh).toHaveLength(10);
    expect(fresh.some((c) => recoveryCodes.includes(c))).toBe(false);
    const { token } = await checkPassword(user.email, PASSWORD, meta);
    await expect(verifyChallengeSecondFactor(token, recovery(recoveryCodes[1]!), meta)).rejects.toMatchObject({
      code: ErrorCode.invalidCode,
    });
    await verifyChallengeSecondFactor(token, recovery(fresh[0]!), meta);
    expect(await countUnusedRecoveryCodes(user.id)).toBe(9);
  });
});

describe("turning 2FA off", () => {
  it("needs a current code or a recovery code, and ends other sessions", async () => {
    const { user, nextCode } = await makeUserWithTwoFactor();
    const before = await prisma().user.findUniqueOrThrow({ where: { id: user.id } });
    await expect(disableTwoFactor(user.id, totp("000000"), meta)).rejects.toMatchObject({
      code: ErrorCode.invalidCode,
    });
    expect((await twoFactorPolicy(user.id)).hasSecondFactor).toBe(true);
    const version = await disableTwoFactor(user.id, totp(await nextCode()), meta);
    expect(version).toBe(before.sessionVersion + 1);
    const after = await prisma().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(after.totpSecret).toBeNull();
    expect(await prisma().recoveryCode.count({ where: { userId: user.id } })).toBe(0);
    expect((await checkPassword(user.email, PASSWORD, meta)).requirement).toBe("none");
    expect((await mailsTo(user.email)).map((m) => m.subject)).toContain("Two-factor authentication is off");
  });

  it("accepts a recovery code instead", async () => {
    const { user, recoveryCodes } = await makeUserWithTwoFactor();
    await disableTwoFactor(user.id, recovery(recoveryCodes[4]!), meta);
    expect((await twoFactorPolicy(user.id)).hasSecondFactor).toBe(false);
  });

  it("is refused while an account of the user enforces 2FA", async () => {
    const { user, nextCode } = await makeUserWithTwoFactor();
    await prisma().account.updateMany({
      where: { memberships: { some: { userId: user.id } } },
      data: { enforceTwoFactor: true, enforcedAt: new Date() },
    });
    await expect(disableTwoFactor(user.id, totp(await nextCode()), meta)).rejects.toMatchObject({
      code: ErrorCode.enforcedByAccount,
    });
  });
});
