// Issue 11: an accepted second step costs at most 3 SQL statements, everything it must do included
// (attempt limits, replay compare-and-set, challenge satisfied, audit event and email for a recovery
// code). Counted as the driver sends them (./statement-log), on PGlite and on PostgreSQL.
import { describe, expect, it } from "vitest";
import { checkPassword, grantSession, signInWithSecondFactor, verifyChallengeSecondFactor } from "@/lib/auth/sign-in";
import { AuditType } from "@/lib/audit";
import { secondFactorKey } from "@/lib/two-factor/attempts";
import { freshDatabasePerFile } from "./database";
import { auditTypes, mailsTo, makeUserWithTwoFactor, meta, PASSWORD } from "./fixtures";
import { statementsOf } from "./statement-log";

const { prisma } = freshDatabasePerFile();

describe("the accepted second step", () => {
  it("takes at most 3 statements for an authenticator code", async () => {
    const { user, nextCode } = await makeUserWithTwoFactor();
    const { token } = await checkPassword(user.email, PASSWORD, meta);
    const code = await nextCode();
    const { value, statements } = await statementsOf(() =>
      verifyChallengeSecondFactor(token, { method: "totp", code }, meta),
    );
    expect(value.result).toEqual({ ok: true, method: "totp" });
    expect(statements.length, statements.join("\n")).toBeLessThanOrEqual(3);
    // It did everything: the challenge is satisfied and the user's reserved attempt given back.
    expect((await prisma().loginChallenge.findFirstOrThrow({ where: { userId: user.id } })).satisfiedAt).not.toBeNull();
    const limit = await prisma().rateLimit.findUniqueOrThrow({ where: { key: secondFactorKey(user.id) } });
    expect(limit.attempts).toEqual([]);
  });

  it("takes at most 3 statements for a recovery code, its audit event and its email included", async () => {
    const { user, recoveryCodes } = await makeUserWithTwoFactor();
    const { token } = await checkPassword(user.email, PASSWORD, meta);
    const { value, statements } = await statementsOf(() =>
      verifyChallengeSecondFactor(token, { method: "recovery", code: recoveryCodes[0]! }, meta),
    );
    expect(value.result).toEqual({ ok: true, method: "recovery", remaining: 9 });
    expect(statements.length, statements.join("\n")).toBeLessThanOrEqual(3);
    expect(await auditTypes(user.id)).toContain(AuditType.recoveryCodeUsed);
    expect((await mailsTo(user.email)).map((m) => m.subject)).toContain("A recovery code was used to sign in");
  });
});

describe("the second step at /login, which ends the sign-in", () => {
  it.each(["totp", "recovery"] as const)("opens the session within the same statements (%s)", async (method) => {
    const { user, nextCode, recoveryCodes } = await makeUserWithTwoFactor();
    const { token } = await checkPassword(user.email, PASSWORD, meta);
    const code = method === "totp" ? await nextCode() : recoveryCodes[0]!;
    const { value, statements } = await statementsOf(() => signInWithSecondFactor(token, { method, code }, meta));
    expect(value.result.ok).toBe(true);
    expect(value.claims).toMatchObject({ uid: user.id, sg: 0 });
    expect(statements.length, statements.join("\n")).toBeLessThanOrEqual(3);
    expect(await prisma().session.count({ where: { id: value.claims!.sid, userId: user.id } })).toBe(1);
    expect(await auditTypes(user.id)).toContain(AuditType.signIn);
  });
});

describe("the rest of a sign-in with 2FA", () => {
  it("takes at most 8 statements for the password step and 3 for the session grant", async () => {
    const { user, nextCode } = await makeUserWithTwoFactor();
    const password = await statementsOf(() => checkPassword(user.email, PASSWORD, meta));
    expect(password.value.requirement).toBe("verify");
    expect(password.statements.length, password.statements.join("\n")).toBeLessThanOrEqual(8);
    await verifyChallengeSecondFactor(password.value.token, { method: "totp", code: await nextCode() }, meta);
    const grant = await statementsOf(() => grantSession(password.value.token, meta));
    expect(grant.value?.user.id).toBe(user.id);
    expect(grant.statements.length, grant.statements.join("\n")).toBeLessThanOrEqual(3);
    expect(await auditTypes(user.id)).toContain(AuditType.signIn);
    expect(await grantSession(password.value.token, meta)).toBeNull(); // still once
  });
});
