// An invitation gives a role in the name of the person who sent it, so it lasts only as long as they
// may give that role: a removed owner or admin cannot come back, or bring someone in, through a link
// sent while they were trusted.
import { describe, expect, it } from "vitest";
import {
  acceptInvitation,
  findInvitation,
  inviteMember,
  pendingInvitations,
  resendInvitation,
  revokeInvitation,
} from "@/lib/accounts/invitations";
import { changeRole, removeMember } from "@/lib/accounts/members";
import { AuditType } from "@/lib/audit";
import type { Role } from "@/lib/generated/prisma/enums";
import { ErrorCode } from "@/lib/errors";
import { freshDatabasePerFile } from "./database";
import { mailsTo, makeUser, meta, PASSWORD } from "./fixtures";

const { prisma } = freshDatabasePerFile();

/** An account with its owner and a second member of `role`, who is the one to lose their rights. */
async function accountWith(role: Role) {
  const owner = await makeUser("Owner");
  const { accountId } = await prisma().membership.findFirstOrThrow({ where: { userId: owner.id } });
  const insider = await makeUser("Insider");
  const membership = await prisma().membership.create({ data: { userId: insider.id, accountId, role } });
  return { owner, accountId, insider, membership };
}

async function invite(actorId: string, accountId: string, email: string, role: Role) {
  await inviteMember(actorId, accountId, email, role, meta);
  return (await mailsTo(email)).at(-1)!.text.match(/invite\/([\w-]+)/)![1]!;
}

const join = (token: string, name: string) => acceptInvitation(token, { kind: "new", name, password: PASSWORD }, meta);

describe("an invitation lasts as long as its sender may give its role", () => {
  it("a removed co-owner's invitations die with the removal: no owner and no member comes in through them", async () => {
    const { owner, accountId, insider, membership } = await accountWith("owner");
    const asOwner = await invite(insider.id, accountId, "backdoor@evil.example", "owner");
    const asMember = await invite(insider.id, accountId, "accomplice@evil.example", "member");
    const fromOwner = await invite(owner.id, accountId, "colleague@example.com", "member");

    await removeMember(owner.id, accountId, membership.id, meta);

    for (const token of [asOwner, asMember]) {
      expect(await findInvitation(token)).toBeNull();
      await expect(join(token, "Back door")).rejects.toMatchObject({ code: ErrorCode.invalidLink });
    }
    expect(await pendingInvitations(accountId)).toMatchObject([{ email: "colleague@example.com", invitedBy: "Owner" }]);
    const removal = await prisma().auditEvent.findFirstOrThrow({ where: { accountId, type: AuditType.memberRemoved } });
    expect(removal.details).toMatchObject({ invitationsRevoked: 2 });
    await join(fromOwner, "Colleague");
    expect(await prisma().membership.count({ where: { accountId } })).toBe(2);
  });

  it("an owner made admin keeps the invitations an admin may send; the one as owner dies", async () => {
    const { owner, accountId, insider, membership } = await accountWith("owner");
    const asOwner = await invite(insider.id, accountId, "would-be-owner@example.com", "owner");
    const asAdmin = await invite(insider.id, accountId, "new-admin@example.com", "admin");

    await changeRole(owner.id, accountId, membership.id, "admin", meta);

    await expect(join(asOwner, "Would-be owner")).rejects.toMatchObject({ code: ErrorCode.invalidLink });
    const admin = await join(asAdmin, "New admin");
    expect(await prisma().membership.findFirst({ where: { userId: admin.id, accountId } })).toMatchObject({
      role: "admin",
    });
  });

  it("an admin made member, or whose membership is gone by any way, brings no one in", async () => {
    const { owner, accountId, insider, membership } = await accountWith("admin");
    const demoted = await invite(insider.id, accountId, "friend-one@example.com", "member");
    await changeRole(owner.id, accountId, membership.id, "member", meta);
    await expect(join(demoted, "Friend one")).rejects.toMatchObject({ code: ErrorCode.invalidLink });

    // The check at acceptance does not rely on the clean-up: a membership deleted outside the app.
    await changeRole(owner.id, accountId, membership.id, "admin", meta);
    const orphaned = await invite(insider.id, accountId, "friend-two@example.com", "admin");
    await prisma().membership.delete({ where: { id: membership.id } });
    expect(await findInvitation(orphaned)).toBeNull();
    await expect(join(orphaned, "Friend two")).rejects.toMatchObject({ code: ErrorCode.invalidLink });
    expect(
      await prisma().user.count({ where: { email: { in: ["friend-one@example.com", "friend-two@example.com"] } } }),
    ).toBe(0);
  });

  it("an admin cannot send again an invitation they could not send; one sent again is the resender's", async () => {
    const { owner, accountId, insider: admin, membership } = await accountWith("admin");
    await invite(owner.id, accountId, "future-owner@example.com", "owner");
    const asOwner = await prisma().invitation.findFirstOrThrow({ where: { email: "future-owner@example.com" } });
    await expect(resendInvitation(admin.id, accountId, asOwner.id, meta)).rejects.toMatchObject({
      code: ErrorCode.forbidden,
    });
    expect(await prisma().invitation.findUniqueOrThrow({ where: { id: asOwner.id } })).toEqual(asOwner);

    await invite(owner.id, accountId, "member-to-be@example.com", "member");
    const asMember = await prisma().invitation.findFirstOrThrow({ where: { email: "member-to-be@example.com" } });
    await resendInvitation(admin.id, accountId, asMember.id, meta);
    const [mail] = (await mailsTo("member-to-be@example.com")).slice(-1);
    expect(mail!.subject).toBe(`${admin.email} invited you to an account on Twofold`);
    const sentAgain = await prisma().auditEvent.findFirstOrThrow({ where: { accountId, actorId: admin.id } });
    expect(sentAgain.details).toMatchObject({ email: "member-to-be@example.com", role: "member", resend: true });
    // Now the admin's invitation: it goes with the admin's rights.
    await removeMember(owner.id, accountId, membership.id, meta);
    const token = mail!.text.match(/invite\/([\w-]+)/)![1]!;
    await expect(join(token, "Member to be")).rejects.toMatchObject({ code: ErrorCode.invalidLink });
  });
});

describe("an admin and an owner's invitation as owner", () => {
  it("an admin can neither revoke it nor replace it with one of their own; a member invitation they can", async () => {
    const { owner, accountId, insider: admin } = await accountWith("admin");
    const token = await invite(owner.id, accountId, "co-owner@example.com", "owner");
    const asOwner = await prisma().invitation.findFirstOrThrow({ where: { email: "co-owner@example.com" } });
    await expect(revokeInvitation(admin.id, accountId, asOwner.id, meta)).rejects.toMatchObject({
      code: ErrorCode.forbidden,
    });
    await expect(inviteMember(admin.id, accountId, "co-owner@example.com", "member", meta)).rejects.toMatchObject({
      code: ErrorCode.forbidden,
    });
    expect(await findInvitation(token)).toMatchObject({ role: "owner" });

    await invite(owner.id, accountId, "helper@example.com", "member");
    const asMember = await prisma().invitation.findFirstOrThrow({ where: { email: "helper@example.com" } });
    await revokeInvitation(admin.id, accountId, asMember.id, meta);
    expect(await prisma().invitation.count({ where: { email: "helper@example.com" } })).toBe(0);
  });
});

describe("one open invitation per address", () => {
  it("two admins inviting one address at once leave one link, so a person removed after joining has none left", async () => {
    for (let round = 0; round < 5; round++) {
      const { owner, accountId, insider: admin } = await accountWith("admin");
      const email = `target-${round}@example.com`;
      await Promise.all([
        inviteMember(owner.id, accountId, email, "member", meta),
        inviteMember(admin.id, accountId, email, "member", meta),
      ]);
      expect(await prisma().invitation.count({ where: { accountId, email, acceptedAt: null } })).toBe(1);
      const tokens = (await mailsTo(email)).map((m) => m.text.match(/invite\/([\w-]+)/)![1]!);
      const usable = [];
      for (const token of tokens) if (await findInvitation(token)) usable.push(token);
      expect(usable).toHaveLength(1);
      const { id: userId } = await join(usable[0]!, "Target");
      const { id } = await prisma().membership.findFirstOrThrow({ where: { userId, accountId } });
      await removeMember(owner.id, accountId, id, meta);
      for (const token of tokens) expect(await findInvitation(token)).toBeNull();
    }
  });

  it("an invitation sent while its sender is removed is refused or goes with the removal", async () => {
    for (let round = 0; round < 5; round++) {
      const { owner, accountId, insider, membership } = await accountWith("admin");
      const email = `late-${round}@evil.example`;
      const [sent] = await Promise.allSettled([
        inviteMember(insider.id, accountId, email, "member", meta),
        removeMember(owner.id, accountId, membership.id, meta),
      ]);
      if (sent.status === "rejected") expect(sent.reason).toMatchObject({ code: ErrorCode.forbidden });
      expect(await prisma().invitation.count({ where: { accountId, email } })).toBe(0);
    }
  });
});
