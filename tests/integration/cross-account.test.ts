// Admin actions whose effect reaches beyond the account they are taken in: Reset 2FA removes a
// user's authenticator and ends their sessions in every account they belong to.
import { describe, expect, it } from "vitest";
import { changeRole, removeMember, resetMemberTwoFactor } from "@/lib/accounts/members";
import { AuditType } from "@/lib/audit";
import { listAuditEvents } from "@/lib/audit-log";
import { ErrorCode } from "@/lib/errors";
import type { Role } from "@/lib/generated/prisma/enums";
import { freshDatabasePerFile } from "./database";
import { mailsTo, makeUserWithTwoFactor, meta, ownAccount } from "./fixtures";

const { prisma } = freshDatabasePerFile();

const join = (userId: string, accountId: string, role: Role) =>
  prisma().membership.create({ data: { userId, accountId, role } });
const user = (id: string) => prisma().user.findUniqueOrThrow({ where: { id } });

/** Account A with an admin; a user with 2FA who is a member of A and the owner of their own account B. */
async function twoAccounts() {
  const ownerA = await makeUserWithTwoFactor("OwnerA");
  const accountA = await ownAccount(ownerA.user.id);
  const adminA = await makeUserWithTwoFactor("AdminA");
  await join(adminA.user.id, accountA, "admin");
  const target = await makeUserWithTwoFactor("Target");
  const accountB = await ownAccount(target.user.id);
  const inA = await join(target.user.id, accountA, "member");
  return { ownerA, accountA, adminA, target, accountB, inA };
}

describe("Reset 2FA of a user who belongs to other accounts", () => {
  it("is refused when the target is in an account the admin does not manage: nothing changes, the refusal is audited", async () => {
    const { accountA, adminA, target, accountB, inA } = await twoAccounts();
    const before = await user(target.user.id);
    await expect(
      resetMemberTwoFactor(adminA.user.id, accountA, inA.id, await adminA.proof(), meta),
    ).rejects.toMatchObject({
      code: ErrorCode.resetNeedsEveryAccount,
    });
    const after = await user(target.user.id);
    expect(after.totpSecret).toBe(before.totpSecret);
    expect(after.totpEnabledAt).toEqual(before.totpEnabledAt);
    expect(after.sessionVersion).toBe(before.sessionVersion);
    expect(await prisma().recoveryCode.count({ where: { userId: target.user.id, usedAt: null } })).toBe(10);
    expect((await mailsTo(target.user.email)).some((m) => m.subject.includes("was reset"))).toBe(false);
    for (const accountId of [accountA, accountB]) {
      const { events } = await listAuditEvents(accountId);
      expect(events.some((e) => e.type === AuditType.twoFactorReset)).toBe(false);
      const denied = events.find((e) => e.type === AuditType.accessDenied);
      expect(denied).toMatchObject({ actor: adminA.user.email, subject: target.user.email });
      expect(denied?.details).toMatchObject({
        action: AuditType.twoFactorReset,
        reason: ErrorCode.resetNeedsEveryAccount,
      });
    }
  });

  it("is refused when the admin is an admin of both accounts but the target owns one of them", async () => {
    const { accountA, adminA, target, accountB, inA } = await twoAccounts();
    await join(adminA.user.id, accountB, "admin");
    await expect(
      resetMemberTwoFactor(adminA.user.id, accountA, inA.id, await adminA.proof(), meta),
    ).rejects.toMatchObject({
      code: ErrorCode.resetNeedsEveryAccount,
    });
    expect((await user(target.user.id)).totpEnabledAt).not.toBeNull();
  });

  it("is allowed when the actor manages every account of the target, and shows in each account's audit log", async () => {
    const { ownerA, accountA, target, accountB, inA } = await twoAccounts();
    await join(ownerA.user.id, accountB, "owner"); // a co-owner of B may act on B's owner
    const before = await user(target.user.id);
    await resetMemberTwoFactor(ownerA.user.id, accountA, inA.id, await ownerA.proof(), meta);
    const after = await user(target.user.id);
    expect(after.totpSecret).toBeNull();
    expect(after.sessionVersion).toBe(before.sessionVersion + 1);
    for (const accountId of [accountA, accountB]) {
      const { events } = await listAuditEvents(accountId);
      const reset = events.filter((e) => e.type === AuditType.twoFactorReset);
      expect(reset).toHaveLength(1);
      expect(reset[0]).toMatchObject({ actor: ownerA.user.email, subject: target.user.email });
    }
    expect((await mailsTo(target.user.email)).filter((m) => m.subject.includes("was reset"))).toHaveLength(1);
  });
});

describe("other admin actions stay inside their account", () => {
  it("removing a member or changing their role leaves their other accounts and their sessions alone", async () => {
    const { ownerA, accountA, target, accountB, inA } = await twoAccounts();
    const before = await user(target.user.id);
    await changeRole(ownerA.user.id, accountA, inA.id, "admin", meta);
    await removeMember(ownerA.user.id, accountA, inA.id, meta);
    const after = await user(target.user.id);
    expect(after.sessionVersion).toBe(before.sessionVersion);
    expect(after.totpEnabledAt).toEqual(before.totpEnabledAt);
    expect(
      await prisma().membership.findMany({
        where: { userId: target.user.id },
        select: { accountId: true, role: true },
      }),
    ).toEqual([{ accountId: accountB, role: "owner" }]);
    expect(
      (await listAuditEvents(accountB)).events.some(
        (e) => e.type === AuditType.memberRemoved || e.type === AuditType.roleChanged,
      ),
    ).toBe(false);
  });
});
