// Paths that were unthrottled: setting a password from a reset link (argon2 work for any token),
// changing the password (guessing the current one from a stolen session), and invitations (mail to
// any address). Each now has a limit, and a clear message saying when to try again.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { inviteMember, resendInvitation } from "@/lib/accounts/invitations";
import { AuditType } from "@/lib/audit";
import { checkPassword } from "@/lib/auth/sign-in";
import { changePassword, requestPasswordReset, resetPassword } from "@/lib/auth/password";
import { hashPassword } from "@/lib/crypto/password";
import { ErrorCode } from "@/lib/errors";
import { freshDatabasePerFile } from "./database";
import { auditTypes, mailsTo, makeUser, meta, PASSWORD, sessionNow } from "./fixtures";

vi.mock("@/lib/crypto/password", async (original) => {
  const real = await original<typeof import("@/lib/crypto/password")>();
  return { ...real, hashPassword: vi.fn(real.hashPassword) };
});

const { prisma } = freshDatabasePerFile();
const from = (ip: string) => ({ ...meta, ip });
const bogusToken = (i: number) => `not-a-real-reset-token-${i}-xxxxxxxxxxxx`;

describe("setting a password from a reset link", () => {
  beforeEach(() => {
    vi.mocked(hashPassword).mockClear();
  });

  it("checks the link before doing any hashing work", async () => {
    await expect(resetPassword(bogusToken(0), "a brand new password", from("192.0.2.10"))).rejects.toMatchObject({
      code: ErrorCode.invalidLink,
    });
    expect(hashPassword).not.toHaveBeenCalled();
  });

  it("refuses an address after 10 wrong links in 15 minutes; other addresses and real links still work", async () => {
    for (let i = 0; i < 10; i++) {
      await expect(resetPassword(bogusToken(i), "a brand new password", from("192.0.2.20"))).rejects.toMatchObject({
        code: ErrorCode.invalidLink,
      });
    }
    const refused = await resetPassword(bogusToken(10), "a brand new password", from("192.0.2.20")).catch((e) => e);
    expect(refused).toMatchObject({ code: ErrorCode.rateLimited });
    expect(refused.message).toMatch(/try again after/i);
    await expect(resetPassword(bogusToken(11), "a brand new password", from("192.0.2.21"))).rejects.toMatchObject({
      code: ErrorCode.invalidLink,
    });

    const user = await makeUser("Reset");
    await requestPasswordReset(user.email, meta);
    const [mail] = await mailsTo(user.email);
    const token = mail!.text.match(/reset-password\/([\w-]+)/)![1]!;
    await resetPassword(token, "chosen after reset", from("192.0.2.22"));
    await expect(checkPassword(user.email, "chosen after reset", meta)).resolves.toBeTruthy();
  });
});

describe("changing the password", () => {
  it("locks after 5 wrong current passwords, audited, even for the right one, saying when to retry", async () => {
    const user = await makeUser("Stolen");
    for (let i = 0; i < 5; i++) {
      await expect(
        changePassword(user.id, `guess number ${i}`, "attacker's password", meta, {
          id: "a stolen session",
          version: 0,
        }),
      ).rejects.toMatchObject({
        code: expect.stringMatching(new RegExp(`^(${ErrorCode.wrongPassword}|${ErrorCode.rateLimited})$`)),
      });
    }
    const refused = await changePassword(user.id, PASSWORD, "attacker's password", meta, {
      id: "a stolen session",
      version: 0,
    }).catch((e) => e);
    expect(refused).toMatchObject({ code: ErrorCode.rateLimited });
    expect(refused.message).toMatch(/try again after/i);
    await expect(checkPassword(user.email, PASSWORD, meta)).resolves.toBeTruthy(); // unchanged
    const types = await auditTypes(user.id);
    expect(types.filter((t) => t === AuditType.passwordChangeFailed)).toHaveLength(5);
    expect(types.filter((t) => t === AuditType.passwordChangeLocked)).toHaveLength(1);
  });

  it("counts wrong passwords only: changing it often is fine", async () => {
    const user = await makeUser("Careful");
    let current = PASSWORD;
    for (let i = 0; i < 6; i++) {
      const next = `new password number ${i}`;
      await changePassword(user.id, current, next, meta, await sessionNow(user.id));
      current = next;
    }
    await expect(checkPassword(user.email, current, meta)).resolves.toBeTruthy();
  });
});

describe("invitations", () => {
  async function adminOf(accountId: string, name: string) {
    const admin = await makeUser(name);
    await prisma().membership.create({ data: { userId: admin.id, accountId, role: "admin" } });
    return admin;
  }
  const accountOf = async (userId: string) =>
    (await prisma().membership.findFirstOrThrow({ where: { userId } })).accountId;

  it("an admin sends at most 20 invitations an hour, resends included; a refused one sends nothing", async () => {
    const owner = await makeUser("Inviter");
    const accountId = await accountOf(owner.id);
    for (let i = 0; i < 19; i++) await inviteMember(owner.id, accountId, `guest-${i}@example.com`, "member", meta);
    const invitation = await prisma().invitation.findFirstOrThrow({ where: { accountId } });
    await resendInvitation(owner.id, accountId, invitation.id, meta);
    const refused = await inviteMember(owner.id, accountId, "victim@example.com", "member", meta).catch((e) => e);
    expect(refused).toMatchObject({ code: ErrorCode.rateLimited });
    expect(refused.message).toMatch(/try again after/i);
    await expect(resendInvitation(owner.id, accountId, invitation.id, meta)).rejects.toMatchObject({
      code: ErrorCode.rateLimited,
    });
    expect(await mailsTo("victim@example.com")).toHaveLength(0);
    expect(await prisma().invitation.count({ where: { email: "victim@example.com" } })).toBe(0);
  });

  it("an account sends at most 50 invitations an hour, whoever of its admins sends them", async () => {
    const owner = await makeUser("Crowd");
    const accountId = await accountOf(owner.id);
    const admins = [owner, await adminOf(accountId, "Second"), await adminOf(accountId, "Third")];
    for (let i = 0; i < 50; i++)
      await inviteMember(admins[i % 3]!.id, accountId, `crowd-${i}@example.com`, "member", meta);
    const fresh = await adminOf(accountId, "Fourth");
    await expect(inviteMember(fresh.id, accountId, "one-more@example.com", "member", meta)).rejects.toMatchObject({
      code: ErrorCode.rateLimited,
    });
    // Another account is not affected.
    const other = await makeUser("Elsewhere");
    await expect(
      inviteMember(other.id, await accountOf(other.id), "one-more@example.com", "member", meta),
    ).resolves.toBeUndefined();
  });
});
