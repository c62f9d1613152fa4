import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { enableEnforcement } from "@/lib/accounts/enforcement";
import { AuditType } from "@/lib/audit";
import { expandBroadcasts } from "@/lib/mail/broadcast";
import { ErrorCode } from "@/lib/errors";
import { beginEnrolment, confirmEnrolment } from "@/lib/two-factor/factors/totp-enrolment";
import { totpCode } from "@/lib/two-factor/totp";
import { freshDatabasePerFile } from "./database";
import { makeUser, makeUserWithTwoFactor, meta, setupNow, versionNow } from "./fixtures";

const { prisma } = freshDatabasePerFile();
const SUBJECT = "requires two-factor";

/** An owner with 2FA and an account of `count` members; every third one has an authenticator app. */
async function bigAccount(count: number) {
  const owner = await makeUserWithTwoFactor("Owner");
  const { accountId } = await prisma().membership.findFirstOrThrow({ where: { userId: owner.user.id } });
  const tag = randomUUID().slice(0, 8);
  const emails = Array.from({ length: count }, (_, i) => `b${i}-${tag}@example.com`);
  await prisma().user.createMany({
    data: emails.map((email, i) => ({
      email,
      name: "Member",
      passwordHash: "unused",
      totpEnabledAt: i % 3 === 0 ? new Date() : null,
    })),
  });
  const users = await prisma().user.findMany({ where: { email: { in: emails } }, select: { id: true } });
  await prisma().membership.createMany({
    data: users.map((u) => ({ userId: u.id, accountId, role: "member" as const })),
  });
  const without = emails.filter((_, i) => i % 3 !== 0);
  return { owner, accountId, emails, without };
}

/** The enforcement notices in the outbox, by address. */
async function notices(emails: string[]) {
  const rows = await prisma().emailMessage.findMany({
    where: { to: { in: emails }, subject: { contains: SUBJECT } },
    select: { to: true },
  });
  return rows.map((r) => r.to).sort();
}

describe("enforcement on a big account: one broadcast, expanded by the mail poller", () => {
  it("the switch stores one broadcast row with its audit event and no message per member", async () => {
    const { owner, accountId, emails, without } = await bigAccount(60);
    const { notifying } = await enableEnforcement(owner.user.id, accountId, 24, meta);
    expect(await prisma().mailBroadcast.findMany({ where: { accountId } })).toEqual([
      expect.objectContaining({ id: notifying, audience: "withoutSecondFactor", cursor: null, doneAt: null }),
    ]);
    expect(await prisma().emailMessage.count({ where: { to: { in: emails } } })).toBe(0);
    const [event] = await prisma().auditEvent.findMany({ where: { accountId, type: AuditType.enforcementOn } });
    expect(event?.details).toMatchObject({ broadcastId: notifying, graceHours: 24 });
    // A refused second switch stores nothing: no second broadcast, no second event.
    await expect(enableEnforcement(owner.user.id, accountId, 0, meta)).rejects.toMatchObject({
      code: ErrorCode.alreadyEnforced,
    });
    expect(await prisma().mailBroadcast.count({ where: { accountId } })).toBe(1);
    expect(await prisma().auditEvent.count({ where: { accountId, type: AuditType.enforcementOn } })).toBe(1);
    await expandBroadcasts(); // the poller's run, one batch of 1,000
    expect(await notices(emails)).toEqual([...without].sort());
  });

  it("expands across several batches; a run that stops between batches is resumed without loss or repeat", async () => {
    const { owner, accountId, emails, without } = await bigAccount(50);
    const { notifying } = await enableEnforcement(owner.user.id, accountId, 0, meta);
    // The process stops after two batches of 7 members (the owner is one of the 51).
    expect(await expandBroadcasts({ batchSize: 7, maxBatches: 2 })).toMatchObject({ batches: 2 });
    const partial = await notices(emails);
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.length).toBeLessThan(without.length);
    const stopped = await prisma().mailBroadcast.findUniqueOrThrow({ where: { id: notifying } });
    expect(stopped).toMatchObject({ queued: partial.length, doneAt: null });
    expect(stopped.cursor).not.toBeNull();

    // A new process picks it up from the cursor.
    const { batches } = await expandBroadcasts({ batchSize: 7 });
    expect(batches).toBeGreaterThanOrEqual(6);
    expect(await notices(emails)).toEqual([...without].sort());
    expect(await prisma().emailMessage.count({ where: { to: owner.user.email, subject: { contains: SUBJECT } } })).toBe(
      0,
    );
    const done = await prisma().mailBroadcast.findUniqueOrThrow({ where: { id: notifying } });
    expect(done.queued).toBe(without.length);
    expect(done.doneAt).not.toBeNull();
    expect(await expandBroadcasts({ batchSize: 7 })).toEqual({ batches: 0, written: 0 });
  });

  it("concurrent expansions write each member's email once", async () => {
    const { owner, accountId, emails, without } = await bigAccount(90);
    const { notifying } = await enableEnforcement(owner.user.id, accountId, 0, meta);
    // A run that finds the broadcast locked leaves it; the run holding the lock carries on to the end.
    await Promise.all(Array.from({ length: 4 }, () => expandBroadcasts({ batchSize: 5 })));
    const sent = await notices(emails);
    expect(sent).toEqual([...without].sort());
    expect(new Set(sent).size).toBe(without.length);
    expect(await prisma().mailBroadcast.findUniqueOrThrow({ where: { id: notifying } })).toMatchObject({
      queued: without.length,
    });
  });

  it("asks the question at expansion time: a member who enrolled meanwhile gets no email", async () => {
    const owner = await makeUserWithTwoFactor("Owner");
    const { accountId } = await prisma().membership.findFirstOrThrow({ where: { userId: owner.user.id } });
    const [quick, slow] = [await makeUser("Quick"), await makeUser("Slow")];
    await prisma().membership.createMany({
      data: [quick, slow].map((u) => ({ userId: u.id, accountId, role: "member" as const })),
    });
    await enableEnforcement(owner.user.id, accountId, 24, meta);
    const { secret } = await beginEnrolment(quick, await setupNow(quick.id));
    await confirmEnrolment(quick.id, await totpCode(secret), meta, await versionNow(quick.id));
    await expandBroadcasts();
    expect(await notices([quick.email, slow.email])).toEqual([slow.email]);
  });
});
