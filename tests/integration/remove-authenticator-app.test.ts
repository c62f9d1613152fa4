// Removing the authenticator app alone: the security keys and recovery codes stay, 2FA stays on; the
// last factor follows the rules of turning 2FA off (codes go too; refused while an account enforces).
import { describe, expect, it } from "vitest";
import { AuditType } from "@/lib/audit";
import { checkPassword, verifyChallengeSecondFactor } from "@/lib/auth/sign-in";
import { ErrorCode } from "@/lib/errors";
import { removeAuthenticatorApp } from "@/lib/two-factor/manage";
import { twoFactorPolicy } from "@/lib/two-factor/policy";
import { webAuthnAuthenticationOptions } from "@/lib/two-factor/webauthn/assertion";
import { listWebAuthnCredentials } from "@/lib/two-factor/webauthn/credentials";
import { removeWebAuthnCredential } from "@/lib/two-factor/webauthn/remove";
import { freshDatabasePerFile } from "./database";
import { auditTypes, mailsTo, makeUser, makeUserWithTwoFactor, meta, PASSWORD } from "./fixtures";
import { key, registerKey, totp } from "./webauthn-fixtures";

const { prisma } = freshDatabasePerFile();
const recovery = (code: string) => ({ method: "recovery" as const, code });

/** The authenticator app (with its recovery codes), then a security key. */
async function userWithKey() {
  const account = await makeUserWithTwoFactor();
  const { authenticator, key: stored } = await registerKey(account.user.id);
  return { ...account, authenticator, key: stored };
}

async function enforceFor(userId: string) {
  await prisma().account.updateMany({
    where: { memberships: { some: { userId } } },
    data: { enforceTwoFactor: true, enforcedAt: new Date() },
  });
}

describe("removing the authenticator app alone", () => {
  it("keeps the keys and the recovery codes; the app's codes stop working; emailed and audited", async () => {
    const { user, nextCode, recoveryCodes } = await userWithKey();
    const version = (await prisma().user.findUniqueOrThrow({ where: { id: user.id } })).sessionVersion;
    const result = await removeAuthenticatorApp(user.id, totp(await nextCode()), meta);
    expect(result).toEqual({ sessionVersion: version + 1, twoFactorOff: false });
    expect((await twoFactorPolicy(user.id)).hasSecondFactor).toBe(true);
    expect(await listWebAuthnCredentials(user.id)).toHaveLength(1);
    expect(await prisma().recoveryCode.count({ where: { userId: user.id, usedAt: null } })).toBe(10);
    const { token, requirement } = await checkPassword(user.email, PASSWORD, meta);
    expect(requirement).toBe("verify");
    await expect(verifyChallengeSecondFactor(token, totp(await nextCode()), meta)).rejects.toMatchObject({
      code: ErrorCode.invalidCode,
    });
    await expect(verifyChallengeSecondFactor(token, recovery(recoveryCodes[0]!), meta)).resolves.toBeTruthy();
    expect(await auditTypes(user.id)).toContain(AuditType.authenticatorRemoved);
    expect(await auditTypes(user.id)).not.toContain(AuditType.twoFactorDisabled);
    const mail = (await mailsTo(user.email)).find((m) => m.subject.includes("authenticator app was removed"));
    expect(mail?.text).toContain("Your security keys and recovery codes still work.");
  });

  it("may be confirmed with the key or a recovery code, and needs one: a wrong code changes nothing", async () => {
    const { user, authenticator, recoveryCodes } = await userWithKey();
    await expect(removeAuthenticatorApp(user.id, totp("000000"), meta)).rejects.toMatchObject({
      code: ErrorCode.invalidCode,
    });
    expect((await prisma().user.findUniqueOrThrow({ where: { id: user.id } })).totpEnabledAt).not.toBeNull();
    const answer = key(authenticator.assert(await webAuthnAuthenticationOptions(user.id)));
    await removeAuthenticatorApp(user.id, answer, meta);
    expect((await prisma().user.findUniqueOrThrow({ where: { id: user.id } })).totpEnabledAt).toBeNull();
    await expect(removeAuthenticatorApp(user.id, recovery(recoveryCodes[0]!), meta)).rejects.toMatchObject({
      code: ErrorCode.notEnabled,
    });
    expect(await prisma().recoveryCode.count({ where: { userId: user.id, usedAt: null } })).toBe(10);
  });

  it("is allowed while an account enforces 2FA, because a key remains", async () => {
    const { user, nextCode } = await userWithKey();
    await enforceFor(user.id);
    await removeAuthenticatorApp(user.id, totp(await nextCode()), meta);
    expect((await twoFactorPolicy(user.id)).hasSecondFactor).toBe(true);
  });

  it("without a key it is turning 2FA off: the codes go too, and it is refused under enforcement", async () => {
    const { user, nextCode } = await makeUserWithTwoFactor();
    await enforceFor(user.id);
    await expect(removeAuthenticatorApp(user.id, totp(await nextCode()), meta)).rejects.toMatchObject({
      code: ErrorCode.enforcedByAccount,
    });
    expect((await twoFactorPolicy(user.id)).hasSecondFactor).toBe(true);
    const free = await makeUserWithTwoFactor("Free");
    const result = await removeAuthenticatorApp(free.user.id, totp(await free.nextCode()), meta);
    expect(result.twoFactorOff).toBe(true);
    expect(await prisma().recoveryCode.count({ where: { userId: free.user.id } })).toBe(0);
    expect(await auditTypes(free.user.id)).toContain(AuditType.twoFactorDisabled);
  });

  it("removing the last key while the app remains keeps 2FA on, under enforcement too", async () => {
    const { user, nextCode, key: stored } = await userWithKey();
    await enforceFor(user.id);
    const result = await removeWebAuthnCredential(user.id, stored.id, totp(await nextCode()), meta);
    expect(result.twoFactorOff).toBe(false);
    expect((await twoFactorPolicy(user.id)).hasSecondFactor).toBe(true);
    expect(await prisma().recoveryCode.count({ where: { userId: user.id, usedAt: null } })).toBe(10);
  });

  it("a user without the app is told so before any attempt is counted", async () => {
    const user = await makeUser();
    await expect(removeAuthenticatorApp(user.id, totp("123456"), meta)).rejects.toMatchObject({
      code: ErrorCode.notEnabled,
    });
    expect(await auditTypes(user.id)).not.toContain(AuditType.twoFactorFailed);
  });
});
