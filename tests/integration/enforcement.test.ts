import { describe, expect, it } from "vitest";
import { enableEnforcement, disableEnforcement, protectionSummary } from "@/lib/accounts/enforcement";
import {
  acceptInvitation,
  findInvitation,
  inviteMember,
  resendInvitation,
  revokeInvitation,
} from "@/lib/accounts/invitations";
import { listMembers } from "@/lib/accounts/member-list";
import { changeRole, removeMember, resetMemberTwoFactor } from "@/lib/accounts/members";
import { AuditType } from "@/lib/audit";
import { redeemChallenge } from "@/lib/auth/sign-in/challenge";
import { finishChallengeEnrolment, beginChallengeEnrolment } from "@/lib/auth/sign-in";
import { checkPassword, startChallenge, verifyChallengeSecondFactor } from "@/lib/auth/sign-in";
import { requestPasswordReset, resetPassword } from "@/lib/auth/password";
import { ErrorCode } from "@/lib/errors";
import { twoFactorPolicy } from "@/lib/two-factor/policy";
import { totpCode } from "@/lib/two-factor/totp";
import { freshDatabasePerFile } from "./database";
import { asExisting, mailsTo, makeUser, makeUserWithTwoFactor, meta, PASSWORD } from "./fixtures";

const { prisma } = freshDatabasePerFile();

async function accountOf(userId: string) {
  return (await prisma().membership.findFirstOrThrow({ where: { userId, role: "owner" } })).accountId;
}

/** An owner with 2FA, their account, and a member without 2FA who joined by invitation. */
async function team() {
  const owner = await makeUserWithTwoFactor("Owner");
  const accountId = await accountOf(owner.user.id);
  const member = await makeUser("Member");
  await inviteMember(owner.user.id, accountId, member.email, "member", meta);
  const token = (await mailsTo(member.email)).at(-1)!.text.match(/invite\/([\w-]+)/)![1]!;
  await acceptInvitation(token, await asExisting(member), meta);
  return { owner, accountId, member };
}

describe("the enforce switch", () => {
  it("is refused for an admin without 2FA of their own, whatever is sent", async () => {
    const owner = await makeUser("Bare");
    const accountId = await accountOf(owner.id);
    await expect(enableEnforcement(owner.id, accountId, 0, meta)).rejects.toMatchObject({
      code: ErrorCode.ownTwoFactorFirst,
    });
    expect((await prisma().account.findUniqueOrThrow({ where: { id: accountId } })).enforceTwoFactor).toBe(false);
  });

  it("is refused for a member and for an admin of another account", async () => {
    const { accountId, member } = await team();
    const outsider = await makeUserWithTwoFactor("Outsider");
    await prisma().user.update({ where: { id: member.id }, data: { totpEnabledAt: new Date() } }); // even with 2FA
    await expect(enableEnforcement(member.id, accountId, 0, meta)).rejects.toMatchObject({ code: ErrorCode.forbidden });
    await expect(enableEnforcement(outsider.user.id, accountId, 0, meta)).rejects.toMatchObject({
      code: ErrorCode.forbidden,
    });
    expect((await prisma().account.findUniqueOrThrow({ where: { id: accountId } })).enforceTwoFactor).toBe(false);
  });

  it("emails members without 2FA (no secret, no QR code), audits, and counts protection", async () => {
    const { owner, accountId, member } = await team();
    expect(await protectionSummary(accountId)).toMatchObject({ total: 2, protected: 1 });
    const { notifying } = await enableEnforcement(owner.user.id, accountId, 0, meta);
    const notice = (await mailsTo(member.email)).find((m) => m.subject.includes("requires two-factor"));
    expect(notice?.text).toContain("next time you sign in");
    expect(notice?.text).not.toMatch(/otpauth|secret=/i);
    expect((await mailsTo(owner.user.email)).some((m) => m.subject.includes("requires two-factor"))).toBe(false);
    expect(await prisma().mailBroadcast.findUniqueOrThrow({ where: { id: notifying } })).toMatchObject({ queued: 1 });
    const events = await prisma().auditEvent.findMany({ where: { accountId, type: AuditType.enforcementOn } });
    expect(events).toHaveLength(1);
    await prisma().user.update({ where: { id: member.id }, data: { totpEnabledAt: new Date() } });
    expect(await protectionSummary(accountId)).toMatchObject({ total: 2, protected: 2 });
  });

  it("turning it off needs a fresh second factor", async () => {
    const { owner, accountId } = await team();
    await enableEnforcement(owner.user.id, accountId, 0, meta);
    await expect(
      disableEnforcement(owner.user.id, accountId, { method: "totp", code: "000000" }, meta),
    ).rejects.toMatchObject({ code: ErrorCode.invalidCode });
    await disableEnforcement(owner.user.id, accountId, await owner.proof(), meta);
    expect((await prisma().account.findUniqueOrThrow({ where: { id: accountId } })).enforceTwoFactor).toBe(false);
  });

  it("turning it off emails every member and the other admins, and audits who, how, the grace and the protection", async () => {
    const { owner, accountId, member } = await team();
    const admin = await makeUserWithTwoFactor("Admin");
    await prisma().membership.create({ data: { userId: admin.user.id, accountId, role: "admin" } });
    await enableEnforcement(owner.user.id, accountId, 48, meta);
    await disableEnforcement(admin.user.id, accountId, { method: "recovery", code: admin.recoveryCodes[0]! }, meta);

    const offFor = async (email: string) =>
      (await mailsTo(email)).filter((m) => m.subject.includes("no longer requires"));
    const [toMember] = await offFor(member.email);
    expect(toMember?.text).toContain("turned off");
    expect(toMember?.text).toMatch(/keep/i);
    const [toOwner] = await offFor(owner.user.email);
    expect(toOwner?.text).toContain(admin.user.email);
    expect(await offFor(admin.user.email)).toHaveLength(1);
    for (const mail of [toMember!, toOwner!]) expect(mail.text).not.toMatch(/otpauth|secret=|\b\d{6}\b/i);

    const [event] = await prisma().auditEvent.findMany({ where: { accountId, type: AuditType.enforcementOff } });
    expect(event).toMatchObject({ actorId: admin.user.id, ip: meta.ip });
    expect(event!.details).toMatchObject({ method: "recovery", graceHours: 48, membersProtected: 2, members: 3 });
    expect(event!.details).toHaveProperty("enforcedSince");
  });

  it("rejects a grace period outside 0 to 720 hours", async () => {
    const { owner, accountId } = await team();
    await expect(enableEnforcement(owner.user.id, accountId, 721, meta)).rejects.toMatchObject({
      code: ErrorCode.invalidInput,
    });
  });
});

describe("enforcement on every way in", () => {
  it("password sign-in: a member without 2FA must enrol before any session", async () => {
    const { owner, accountId, member } = await team();
    await enableEnforcement(owner.user.id, accountId, 0, meta);
    const { token, requirement } = await checkPassword(member.email, PASSWORD, meta);
    expect(requirement).toBe("enrol");
    expect(await redeemChallenge(token)).toBeNull();
    await expect(verifyChallengeSecondFactor(token, { method: "totp", code: "123456" }, meta)).rejects.toMatchObject({
      code: ErrorCode.challengeExpired,
    });
    const { secret } = await beginChallengeEnrolment(token);
    const { recoveryCodes } = await finishChallengeEnrolment(token, await totpCode(secret), meta);
    expect(recoveryCodes).toHaveLength(10);
    expect((await redeemChallenge(token))?.id).toBe(member.id);
  });

  it("grace period: signs in without 2FA until the deadline, then must enrol", async () => {
    const { owner, accountId, member } = await team();
    await enableEnforcement(owner.user.id, accountId, 48, meta);
    expect(await prisma().auditEvent.count({ where: { accountId, type: AuditType.graceSet } })).toBe(1);
    const during = await checkPassword(member.email, PASSWORD, meta);
    expect(during.requirement).toBe("none");
    expect(during.graceUntil!.getTime()).toBeGreaterThan(Date.now() + 47 * 3_600_000);
    // 49 hours pass, for the switch and for the membership it found.
    await prisma().account.update({
      where: { id: accountId },
      data: { enforcedAt: new Date(Date.now() - 49 * 3_600_000) },
    });
    await prisma().membership.updateMany({
      where: { accountId },
      data: { createdAt: new Date(Date.now() - 50 * 3_600_000) },
    });
    expect((await checkPassword(member.email, PASSWORD, meta)).requirement).toBe("enrol");
  });

  it("invitation of a new user into an enforcing account ends in enrolment", async () => {
    const { owner, accountId } = await team();
    await enableEnforcement(owner.user.id, accountId, 0, meta);
    await inviteMember(owner.user.id, accountId, "newbie@example.com", "member", meta);
    const token = (await mailsTo("newbie@example.com"))[0]!.text.match(/invite\/([\w-]+)/)![1]!;
    const userId = await acceptInvitation(token, { kind: "new", name: "Newbie", password: PASSWORD }, meta);
    expect((await startChallenge(userId, meta)).requirement).toBe("enrol");
    await expect(
      acceptInvitation(token, { kind: "new", name: "Again", password: PASSWORD }, meta),
    ).rejects.toMatchObject({ code: ErrorCode.invalidLink });
  });

  it("a grace period is for the members enforcement found: whoever joins during it enrols at sign-up", async () => {
    const { owner, accountId, member } = await team();
    await enableEnforcement(owner.user.id, accountId, 48, meta);
    await inviteMember(owner.user.id, accountId, "latecomer@example.com", "member", meta);
    const token = (await mailsTo("latecomer@example.com"))[0]!.text.match(/invite\/([\w-]+)/)![1]!;
    const latecomer = await acceptInvitation(token, { kind: "new", name: "Latecomer", password: PASSWORD }, meta);
    expect((await startChallenge(latecomer, meta)).requirement).toBe("enrol");
    expect((await checkPassword("latecomer@example.com", PASSWORD, meta)).requirement).toBe("enrol");

    const elsewhere = await makeUser("Joins Later");
    await inviteMember(owner.user.id, accountId, elsewhere.email, "member", meta);
    const second = (await mailsTo(elsewhere.email)).at(-1)!.text.match(/invite\/([\w-]+)/)![1]!;
    await acceptInvitation(second, await asExisting(elsewhere), meta);
    expect((await twoFactorPolicy(elsewhere.id)).requirement).toBe("enrol");

    // The member who was there when it was switched on keeps the grace.
    expect((await checkPassword(member.email, PASSWORD, meta)).requirement).toBe("none");
  });

  it("invitation of an existing user adds a membership and brings the enforcement with it", async () => {
    const { owner, accountId } = await team();
    await enableEnforcement(owner.user.id, accountId, 0, meta);
    const elsewhere = await makeUser("Elsewhere");
    expect((await twoFactorPolicy(elsewhere.id)).requirement).toBe("none");
    await inviteMember(owner.user.id, accountId, elsewhere.email, "admin", meta);
    const token = (await mailsTo(elsewhere.email)).at(-1)!.text.match(/invite\/([\w-]+)/)![1]!;
    expect((await findInvitation(token))?.existingUserId).toBe(elsewhere.id);
    await acceptInvitation(token, await asExisting(elsewhere), meta);
    expect(await prisma().membership.count({ where: { userId: elsewhere.id } })).toBe(2);
    expect((await startChallenge(elsewhere, meta)).requirement).toBe("enrol");
  });

  it("password reset does not skip enrolment", async () => {
    const { owner, accountId, member } = await team();
    await enableEnforcement(owner.user.id, accountId, 0, meta);
    await requestPasswordReset(member.email, meta);
    const token = (await mailsTo(member.email))
      .find((m) => m.subject.includes("Reset"))!
      .text.match(/reset-password\/([\w-]+)/)![1]!;
    await resetPassword(token, "after the reset", meta);
    expect((await checkPassword(member.email, "after the reset", meta)).requirement).toBe("enrol");
  });

  it("the member's own 2FA switch is locked on while the account enforces", async () => {
    const { owner, accountId } = await team();
    await enableEnforcement(owner.user.id, accountId, 0, meta);
    expect((await twoFactorPolicy(owner.user.id)).enforcedBy.map((a) => a.id)).toEqual([accountId]);
  });
});

describe("invitations", () => {
  const linkIn = async (email: string) => (await mailsTo(email)).at(-1)!.text.match(/invite\/([\w-]+)/)![1]!;

  it("resend replaces the link (the old one stops working); revoke kills it; expired links are refused", async () => {
    const { owner, accountId } = await team();
    await inviteMember(owner.user.id, accountId, "again@example.com", "member", meta);
    const first = await linkIn("again@example.com");
    const invitation = await prisma().invitation.findFirstOrThrow({ where: { email: "again@example.com" } });
    expect(invitation.tokenHash).not.toContain(first);
    await resendInvitation(owner.user.id, accountId, invitation.id, meta);
    const second = await linkIn("again@example.com");
    expect(second).not.toBe(first);
    expect(await findInvitation(first)).toBeNull();
    expect((await findInvitation(second))?.account.id).toBe(accountId);
    await revokeInvitation(owner.user.id, accountId, invitation.id, meta);
    expect(await findInvitation(second)).toBeNull();

    await inviteMember(owner.user.id, accountId, "late@example.com", "member", meta);
    const late = await linkIn("late@example.com");
    await prisma().invitation.updateMany({
      where: { email: "late@example.com" },
      data: { expiresAt: new Date(Date.now() - 1) },
    });
    await expect(acceptInvitation(late, { kind: "new", name: "Late", password: PASSWORD }, meta)).rejects.toMatchObject(
      { code: ErrorCode.invalidLink },
    );
  });

  it("refuses to invite someone who is already a member", async () => {
    const { owner, accountId, member } = await team();
    await expect(inviteMember(owner.user.id, accountId, member.email, "member", meta)).rejects.toMatchObject({
      code: ErrorCode.alreadyMember,
    });
  });
});

describe("user management", () => {
  it("lists members with their 2FA state and filters those without", async () => {
    const { accountId, member } = await team();
    const all = await listMembers(accountId);
    expect(all.members.map((m) => [m.name, m.twoFactor])).toEqual([
      ["Member", false],
      ["Owner", true],
    ]);
    const without = await listMembers(accountId, { withoutTwoFactor: true });
    expect(without.members.map((m) => m.id)).toEqual([member.id]);
  });

  it("pages through a large account, 50 members a page (more in member-list.test.ts)", async () => {
    const owner = await makeUser("Big");
    const accountId = await accountOf(owner.id);
    const users = await Promise.all(
      Array.from({ length: 119 }, (_, i) =>
        prisma().user.create({
          data: { email: `m${i}@big.example`, name: `Member ${String(i).padStart(3, "0")}`, passwordHash: "x" },
        }),
      ),
    );
    await prisma().membership.createMany({
      data: users.map((u) => ({ userId: u.id, accountId, role: "member" as const })),
    });
    const first = await listMembers(accountId);
    const second = await listMembers(accountId, { after: first.next! });
    const last = await listMembers(accountId, { after: second.next! });
    expect([first.total, first.members.length, second.members.length, last.members.length]).toEqual([120, 50, 50, 20]);
    expect([first.previous, last.next]).toEqual([null, null]);
    expect(first.members[0]!.name).toBe("Big");
    expect(new Set([...first.members, ...second.members, ...last.members].map((m) => m.id)).size).toBe(120);
  });

  it("reset 2FA removes the authenticator and codes, ends sessions, emails and audits", async () => {
    const { owner, accountId } = await team();
    const lost = await makeUserWithTwoFactor("Lost");
    // Only a member here, as after an invitation (a reset reaching other accounts: cross-account.test.ts).
    await prisma().account.deleteMany({ where: { memberships: { some: { userId: lost.user.id } } } });
    await prisma().membership.create({ data: { userId: lost.user.id, accountId, role: "member" } });
    const membership = await prisma().membership.findFirstOrThrow({ where: { userId: lost.user.id, accountId } });
    const before = await prisma().user.findUniqueOrThrow({ where: { id: lost.user.id } });
    await resetMemberTwoFactor(owner.user.id, accountId, membership.id, await owner.proof(), meta);
    const after = await prisma().user.findUniqueOrThrow({ where: { id: lost.user.id } });
    expect(after.totpSecret).toBeNull();
    expect(after.sessionVersion).toBe(before.sessionVersion + 1);
    expect(await prisma().recoveryCode.count({ where: { userId: lost.user.id } })).toBe(0);
    expect((await mailsTo(lost.user.email)).some((m) => m.subject.includes("was reset"))).toBe(true);
    await enableEnforcement(owner.user.id, accountId, 0, meta);
    expect((await checkPassword(lost.user.email, PASSWORD, meta)).requirement).toBe("enrol");
  });

  it("members cannot reset, remove, re-role or invite; admins cannot touch owners; one owner always stays", async () => {
    const { owner, accountId, member } = await team();
    const ownerMembership = await prisma().membership.findFirstOrThrow({ where: { userId: owner.user.id, accountId } });
    const memberMembership = await prisma().membership.findFirstOrThrow({ where: { userId: member.id, accountId } });
    await expect(resetMemberTwoFactor(member.id, accountId, ownerMembership.id, undefined, meta)).rejects.toMatchObject(
      {
        code: ErrorCode.forbidden,
      },
    );
    await expect(removeMember(member.id, accountId, ownerMembership.id, meta)).rejects.toMatchObject({
      code: ErrorCode.forbidden,
    });
    await expect(changeRole(member.id, accountId, memberMembership.id, "owner", meta)).rejects.toMatchObject({
      code: ErrorCode.forbidden,
    });
    await expect(inviteMember(member.id, accountId, "x@example.com", "admin", meta)).rejects.toMatchObject({
      code: ErrorCode.forbidden,
    });

    await changeRole(owner.user.id, accountId, memberMembership.id, "admin", meta);
    await expect(changeRole(member.id, accountId, ownerMembership.id, "member", meta)).rejects.toMatchObject({
      code: ErrorCode.forbidden,
    });
    await expect(removeMember(member.id, accountId, ownerMembership.id, meta)).rejects.toMatchObject({
      code: ErrorCode.forbidden,
    });
    await expect(inviteMember(member.id, accountId, "x@example.com", "owner", meta)).rejects.toMatchObject({
      code: ErrorCode.forbidden,
    });
    await expect(changeRole(owner.user.id, accountId, ownerMembership.id, "member", meta)).rejects.toMatchObject({
      code: ErrorCode.lastOwner,
    });
    await expect(removeMember(owner.user.id, accountId, ownerMembership.id, meta)).rejects.toMatchObject({
      code: ErrorCode.lastOwner,
    });
    expect(await prisma().membership.count({ where: { accountId, role: "owner" } })).toBe(1);
  });

  it("an admin of another account cannot act on this account's members", async () => {
    const { accountId, member } = await team();
    const other = await makeUserWithTwoFactor("Other");
    const memberMembership = await prisma().membership.findFirstOrThrow({ where: { userId: member.id, accountId } });
    await expect(removeMember(other.user.id, accountId, memberMembership.id, meta)).rejects.toMatchObject({
      code: ErrorCode.forbidden,
    });
    const otherAccount = await accountOf(other.user.id);
    await expect(removeMember(other.user.id, otherAccount, memberMembership.id, meta)).rejects.toMatchObject({
      code: ErrorCode.notFound,
    });
    expect(await prisma().membership.count({ where: { id: memberMembership.id } })).toBe(1);
  });
});
