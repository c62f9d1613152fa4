import { describe, expect, it } from "vitest";
import { checkPassword } from "@/lib/auth/sign-in";
import { changePassword, requestPasswordReset, resetPassword, resetTokenIsUsable } from "@/lib/auth/password";
import { bumpSessionVersion, createUserWithAccount } from "@/lib/auth/users";
import { redeemChallenge } from "@/lib/auth/sign-in/challenge";
import { AuditType } from "@/lib/audit";
import { ErrorCode } from "@/lib/errors";
import { freshDatabasePerFile } from "./database";
import { mailsTo, makeUser, meta, openTestSession, PASSWORD, sessionNow } from "./fixtures";

const { prisma } = freshDatabasePerFile();

describe("sign-up", () => {
  it("creates the user, their own account and an owner membership", async () => {
    const user = await makeUser("Owner");
    const memberships = await prisma().membership.findMany({ where: { userId: user.id }, include: { account: true } });
    expect(memberships).toHaveLength(1);
    expect(memberships[0]!.role).toBe("owner");
    expect(memberships[0]!.account.enforceTwoFactor).toBe(false);
  });

  it("refuses an email that exists in any letter case, and changes nothing", async () => {
    const user = await makeUser("Twin");
    const before = await prisma().user.count();
    await expect(
      createUserWithAccount({ name: "X", email: user.email.toUpperCase().toLowerCase(), password: PASSWORD }),
    ).rejects.toMatchObject({
      code: ErrorCode.emailTaken,
    });
    expect(await prisma().user.count()).toBe(before);
  });

  it("stores an argon2id hash, not the password", async () => {
    const user = await makeUser("Hash");
    const row = await prisma().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);
    expect(row.passwordHash).not.toContain(PASSWORD);
  });
});

describe("password sign-in", () => {
  it("gives the same generic error for a wrong password and an unknown email", async () => {
    const user = await makeUser("Generic");
    const wrong = await checkPassword(user.email, "wrong password!", meta).catch((e) => e);
    const unknown = await checkPassword("nobody@example.com", PASSWORD, meta).catch((e) => e);
    expect(wrong.code).toBe(ErrorCode.invalidCredentials);
    expect(unknown.message).toBe(wrong.message);
  });

  it("signs in with password only when 2FA is not required", async () => {
    const user = await makeUser("Plain");
    const { token, requirement } = await checkPassword(user.email, PASSWORD, meta);
    expect(requirement).toBe("none");
    expect((await redeemChallenge(token))?.id).toBe(user.id);
    expect(await redeemChallenge(token)).toBeNull(); // single use
  });

  it("locks one address out of an email after 10 failures, right password included; the owner elsewhere gets in", async () => {
    const user = await makeUser("Target");
    const attacker = { ...meta, ip: "198.51.100.66" };
    for (let i = 0; i < 10; i++) await checkPassword(user.email, `wrong-${i}-password`, attacker).catch(() => {});
    await expect(checkPassword(user.email, PASSWORD, attacker)).rejects.toMatchObject({ code: ErrorCode.rateLimited });
    await expect(checkPassword(user.email, PASSWORD, meta)).resolves.toMatchObject({ requirement: "none" });
  });

  it("after 100 failures from many addresses, locks the email for strangers but not for an address the owner used", async () => {
    const user = await makeUser("Sprayed");
    const familiar = { ...meta, ip: "192.0.2.10" };
    await openTestSession({ id: user.id, sessionVersion: 0 }, familiar); // the owner signed in from here before
    const guesses = Array.from({ length: 100 }, (_, i) => ({ ...meta, ip: `198.51.100.${i}` }));
    for (let i = 0; i < guesses.length; i += 10)
      await Promise.all(
        guesses.slice(i, i + 10).map((from, j) => checkPassword(user.email, `wrong-${i + j}`, from).catch(() => {})),
      );
    const stranger = { ...meta, ip: "203.0.113.200" };
    await expect(checkPassword(user.email, PASSWORD, stranger)).rejects.toMatchObject({ code: ErrorCode.rateLimited });
    await expect(checkPassword(user.email, PASSWORD, familiar)).resolves.toMatchObject({ requirement: "none" });
  }, 120_000);

  it("parallel guesses from one address, a quarter with the right password: each is let in, refused or wrong, and audited", async () => {
    const user = await makeUser("Raced");
    const from = { ...meta, ip: "192.0.2.77" }; // an address no other test here uses
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        checkPassword(user.email, i % 4 === 0 ? PASSWORD : `wrong-${i}-password`, from).then(
          () => "let in",
          (error: { code?: string }) => error.code ?? String(error),
        ),
      ),
    );
    const count = (answer: string) => answers.filter((a) => a === answer).length;
    // Nothing else: no deadlock between the limits' statements, no "unexpected".
    expect(count("let in") + count(ErrorCode.rateLimited) + count(ErrorCode.invalidCredentials), answers.join()).toBe(
      40,
    );
    expect(count(ErrorCode.invalidCredentials)).toBeLessThanOrEqual(10);
    const events = await prisma().auditEvent.findMany({ where: { ip: from.ip }, select: { type: true } });
    expect(events.filter((e) => e.type === AuditType.signInFailed)).toHaveLength(count(ErrorCode.invalidCredentials));
    expect(events.filter((e) => e.type === AuditType.signInRateLimited)).toHaveLength(count(ErrorCode.rateLimited));
  });

  it("does not count successful sign-ins toward the limit", async () => {
    const user = await makeUser("Often");
    for (let i = 0; i < 12; i++) await checkPassword(user.email, PASSWORD, meta);
    await expect(checkPassword(user.email, PASSWORD, meta)).resolves.toMatchObject({ requirement: "none" });
  });
});

describe("password change and reset", () => {
  it("requires the current password and ends other sessions and sign-ins", async () => {
    const user = await makeUser("Changer");
    const open = await checkPassword(user.email, PASSWORD, meta);
    await expect(
      changePassword(user.id, "not my password", "a new password", meta, await sessionNow(user.id)),
    ).rejects.toMatchObject({
      code: ErrorCode.wrongPassword,
    });
    const version = await changePassword(user.id, PASSWORD, "a brand new password", meta, await sessionNow(user.id));
    expect(version).toBe(1);
    expect(await redeemChallenge(open.token)).toBeNull();
    await expect(checkPassword(user.email, "a brand new password", meta)).resolves.toBeTruthy();
  });

  it("emails a single-use link only to existing accounts, and the link works once", async () => {
    const user = await makeUser("Forgetful");
    await requestPasswordReset("ghost@example.com", meta);
    expect(await mailsTo("ghost@example.com")).toHaveLength(0);
    await requestPasswordReset(user.email, meta);
    const [mail] = (await mailsTo(user.email)).filter((m) => m.subject.includes("Reset"));
    const token = mail!.text.match(/reset-password\/([\w-]+)/)![1]!;
    expect(await prisma().passwordResetToken.findFirst({ where: { tokenHash: token } })).toBeNull(); // stored hashed
    const open = await checkPassword(user.email, PASSWORD, meta);
    await resetPassword(token, "chosen after reset", meta);
    expect(await redeemChallenge(open.token)).toBeNull();
    await expect(resetPassword(token, "second time lucky", meta)).rejects.toMatchObject({
      code: ErrorCode.invalidLink,
    });
    expect(await resetTokenIsUsable(token)).toBe(false);
    await expect(checkPassword(user.email, "chosen after reset", meta)).resolves.toBeTruthy();
  });

  it("a link asked for before the password changed, or before any change that ends sessions, no longer works", async () => {
    const linkOf = async (email: string) => {
      await requestPasswordReset(email, meta);
      return (await mailsTo(email)).at(-1)!.text.match(/reset-password\/([\w-]+)/)![1]!;
    };
    const changed = await makeUser("Alarmed");
    const seen = await linkOf(changed.email);
    await changePassword(changed.id, PASSWORD, "changed from the profile", meta, await sessionNow(changed.id));
    expect(await resetTokenIsUsable(seen)).toBe(false);
    await expect(resetPassword(seen, "attacker's choice 123", meta)).rejects.toMatchObject({
      code: ErrorCode.invalidLink,
    });
    await expect(checkPassword(changed.email, "changed from the profile", meta)).resolves.toBeTruthy();

    const ended = await makeUser("Careful");
    const old = await linkOf(ended.email);
    await bumpSessionVersion(ended.id); // as a 2FA change or an admin's Reset 2FA does
    await expect(resetPassword(old, "attacker's choice 123", meta)).rejects.toMatchObject({
      code: ErrorCode.invalidLink,
    });
    const fresh = await linkOf(ended.email);
    await resetPassword(fresh, "chosen after the change", meta);
    await expect(checkPassword(ended.email, "chosen after the change", meta)).resolves.toBeTruthy();
  });

  it("refuses an expired reset link and keeps the old password", async () => {
    const user = await makeUser("Late");
    await requestPasswordReset(user.email, meta);
    const [mail] = await mailsTo(user.email);
    const token = mail!.text.match(/reset-password\/([\w-]+)/)![1]!;
    await prisma().passwordResetToken.updateMany({
      where: { userId: user.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    await expect(resetPassword(token, "too late now", meta)).rejects.toMatchObject({ code: ErrorCode.invalidLink });
    await expect(checkPassword(user.email, PASSWORD, meta)).resolves.toBeTruthy();
  });
});
