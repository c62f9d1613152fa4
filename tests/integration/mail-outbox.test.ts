import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { enableEnforcement } from "@/lib/accounts/enforcement";
import { db } from "@/lib/db";
import { inviteMember } from "@/lib/accounts/invitations";
import { AuditType } from "@/lib/audit";
import { describeAuditEvent } from "@/lib/audit-words";
import { deliverOutbox, MAX_ATTEMPTS, queueMail, REPORT_AFTER_ATTEMPTS, type Transport } from "@/lib/mail/outbox";
import { pollMail } from "@/lib/mail/poll";
import { smtpTransport, smtpTransporter } from "@/lib/mail/send";
import { freshDatabasePerFile } from "./database";
import { auditTypes, makeUser, makeUserWithTwoFactor, meta } from "./fixtures";

const { prisma } = freshDatabasePerFile();

/** A real SMTP server that can go down and come back on the same port; it counts what arrives. */
function mailServer() {
  const received: { to: string; subject: string }[] = [];
  let server: SMTPServer | undefined;
  let port = 0;
  const start = () =>
    new Promise<void>((resolve) => {
      server = new SMTPServer({
        authOptional: true,
        disabledCommands: ["STARTTLS"],
        logger: false,
        onData(stream, session, done) {
          let head = "";
          stream.on("data", (chunk: Buffer) => (head += chunk.toString()));
          stream.on("end", () => {
            const subject = /^Subject: (.*)$/m.exec(head)?.[1]?.trim() ?? "";
            for (const to of session.envelope.rcptTo) received.push({ to: to.address, subject });
            done();
          });
        },
      });
      server.listen(port, "127.0.0.1", () => {
        port = (server!.server.address() as AddressInfo).port;
        resolve();
      });
    });
  const stop = () => new Promise<void>((resolve) => server!.close(() => resolve()));
  return { received, start, stop, url: () => `smtp://127.0.0.1:${port}` };
}

const smtp = mailServer();
let transport: Transport;

beforeAll(async () => {
  await smtp.start();
  transport = smtpTransport(smtpTransporter(smtp.url()), "Twofold <no-reply@example.com>", false);
});
afterAll(() => smtp.stop());

const mail = (to: string, subject = "Hello") => ({
  to,
  subject,
  text: `Body for ${to}: https://example.com/secret-link`,
});
const arrivedAt = (to: string) => smtp.received.filter((m) => m.to === to);
/** Time passes: every queued message is due now. */
const makeDue = () =>
  prisma().emailMessage.updateMany({
    where: { status: "queued" },
    data: { nextAttemptAt: new Date(Date.now() - 1000) },
  });

describe("the mail outbox", () => {
  it("keeps messages while SMTP is down and delivers each exactly once when it is back", async () => {
    const recipients = Array.from({ length: 5 }, () => `down-${randomUUID().slice(0, 8)}@example.com`);
    await queueMail(recipients.map((to) => mail(to)));
    await smtp.stop();
    try {
      const down = await deliverOutbox(transport, 5_000);
      expect(down).toMatchObject({ sent: 0, retrying: 5 });
      const rows = await prisma().emailMessage.findMany({ where: { to: { in: recipients } } });
      expect(rows.every((r) => r.status === "queued" && r.attempts === 1 && r.nextAttemptAt > new Date())).toBe(true);
      // Not due yet: a run in between sends nothing and spends no attempt.
      expect(await deliverOutbox(transport, 5_000)).toEqual({ sent: 0, retrying: 0, failed: 0 });
    } finally {
      await smtp.start();
    }
    await makeDue();
    expect((await deliverOutbox(transport, 10_000)).sent).toBeGreaterThanOrEqual(5);
    await makeDue();
    await deliverOutbox(transport, 5_000);
    for (const to of recipients) expect(arrivedAt(to)).toHaveLength(1);
    const sent = await prisma().emailMessage.findMany({ where: { to: { in: recipients } } });
    // Sent, with the body (and its links) gone from the database.
    expect(sent.map((r) => [r.status, r.text, r.attempts])).toEqual(recipients.map(() => ["sent", "", 2]));
  });

  it("never sends a message twice when several instances deliver at once", async () => {
    const recipients = Array.from({ length: 120 }, () => `race-${randomUUID().slice(0, 8)}@example.com`);
    await queueMail(recipients.map((to) => mail(to)));
    const runs = await Promise.all([deliverOutbox(transport), deliverOutbox(transport), deliverOutbox(transport)]);
    expect(runs.reduce((sum, r) => sum + r.sent, 0)).toBe(120);
    for (const to of recipients) expect(arrivedAt(to)).toHaveLength(1);
  });

  it("stores nothing when the change that causes a message is rolled back", async () => {
    const to = `rollback-${randomUUID().slice(0, 8)}@example.com`;
    await expect(
      prisma().$transaction(async (tx) => {
        await queueMail(mail(to), tx);
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect(await prisma().emailMessage.count({ where: { to } })).toBe(0);
  });

  it("does not count a message that went out as failing when only its record failed", async () => {
    const user = await makeUser("Reached");
    await queueMail(mail(user.email, "Your sign-in link"));
    const client = await db();
    // The database fails once, just after the send: the statement that records it.
    const record = vi
      .spyOn(client.emailMessage, "updateMany")
      .mockRejectedValueOnce(new Error("Connection terminated"));
    try {
      expect(await deliverOutbox(transport, 5_000)).toEqual({ sent: 1, retrying: 0, failed: 0 });
    } finally {
      record.mockRestore();
    }
    expect(arrivedAt(user.email)).toHaveLength(1);
    const row = await prisma().emailMessage.findFirstOrThrow({ where: { to: user.email } });
    expect(row).toMatchObject({ status: "queued", attempts: 1, error: null });
    // Not before its claim runs out: a run now sends nothing (at least once, not at once again).
    await makeDue();
    await deliverOutbox(transport, 5_000);
    expect(arrivedAt(user.email)).toHaveLength(1);
  });

  it("reports a message that keeps failing in the recipient's audit log, then gives up and forgets its body", async () => {
    const user = await makeUser("Unreachable");
    await queueMail(mail(user.email, "Your sign-in link"));
    const failing: Transport = {
      outcome: "sent",
      keepBody: false,
      send: () => Promise.reject(new Error("550 mailbox unavailable")),
    };
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      await makeDue();
      await deliverOutbox(failing, 5_000);
      const types = await auditTypes(user.id);
      expect(types.filter((t) => t === AuditType.mailFailing)).toHaveLength(attempt >= REPORT_AFTER_ATTEMPTS ? 1 : 0);
    }
    const row = await prisma().emailMessage.findFirstOrThrow({ where: { to: user.email } });
    expect(row).toMatchObject({ status: "failed", attempts: MAX_ATTEMPTS, text: "", error: "550 mailbox unavailable" });
    expect(await auditTypes(user.id)).toContain(AuditType.mailGivenUp);
    await makeDue();
    expect(await deliverOutbox(failing, 5_000)).toEqual({ sent: 0, retrying: 0, failed: 0 });
  });
});

describe("an invitation to an address that bounces", () => {
  it("shows as failing in the inviting account's audit log, naming the address", async () => {
    const owner = await makeUserWithTwoFactor("Inviter");
    const { accountId } = await prisma().membership.findFirstOrThrow({ where: { userId: owner.user.id } });
    const typo = `new-colleague-${randomUUID().slice(0, 8)}@exmaple.com`;
    await inviteMember(owner.user.id, accountId, typo, "member", meta);
    const bouncing: Transport = {
      outcome: "sent",
      keepBody: false,
      send: (m) => (m.to === typo ? Promise.reject(new Error("550 no such domain")) : Promise.resolve()),
    };
    const failing = () => prisma().auditEvent.findMany({ where: { accountId, type: AuditType.mailFailing } });
    for (let attempt = 1; attempt < REPORT_AFTER_ATTEMPTS; attempt++) {
      await makeDue();
      await deliverOutbox(bouncing, 5_000);
    }
    expect(await failing()).toHaveLength(0);
    await makeDue();
    await deliverOutbox(bouncing, 5_000);
    const [event, ...more] = await failing();
    expect(more).toHaveLength(0);
    const { title, sentence } = describeAuditEvent(event!.type, event!.details as Record<string, unknown>);
    expect(title).toBe("Email keeps failing");
    expect(sentence).toContain(`to ${typo} not delivered after ${REPORT_AFTER_ATTEMPTS} attempts (550 no such domain)`);
  });
});

describe("who is told that a person's email keeps failing", () => {
  it("an account that invited them sees its own invitation fail, never their other emails, and theirs not the invitation", async () => {
    const person = await makeUser("Person"); // a user of their own account only
    const snoop = await makeUserWithTwoFactor("Snoop");
    const { accountId: snoopAccount } = await prisma().membership.findFirstOrThrow({
      where: { userId: snoop.user.id },
    });
    const { accountId: ownAccount } = await prisma().membership.findFirstOrThrow({ where: { userId: person.id } });
    await inviteMember(snoop.user.id, snoopAccount, person.email, "member", meta);
    await queueMail(mail(person.email, "Reset your password"));
    const down: Transport = {
      outcome: "sent",
      keepBody: false,
      send: () => Promise.reject(new Error("451 try later")),
    };
    for (let attempt = 1; attempt <= REPORT_AFTER_ATTEMPTS; attempt++) {
      await makeDue();
      await deliverOutbox(down, 5_000);
    }
    const subjectsIn = async (accountId: string) =>
      (await prisma().auditEvent.findMany({ where: { accountId, type: AuditType.mailFailing } }))
        .map((event) => event.details as { subject: string; to: string })
        .filter((details) => details.to === person.email)
        .map((details) => details.subject);
    // The invitation is the inviting account's; the reset is the person's, shown where they are a member.
    expect(await subjectsIn(snoopAccount)).toEqual([expect.stringMatching(/invited you to/)]);
    expect(await subjectsIn(ownAccount)).toEqual(["Reset your password"]);
  });
});

describe("enforcement on an account of 2,000 members", () => {
  it("answers the admin without sending, and every member's email arrives once", async () => {
    const owner = await makeUserWithTwoFactor("BigOwner");
    const { accountId } = await prisma().membership.findFirstOrThrow({ where: { userId: owner.user.id } });
    const tag = randomUUID().slice(0, 8);
    const emails = Array.from({ length: 2000 }, (_, i) => `m${i}-${tag}@example.com`);
    await prisma().user.createMany({
      data: emails.map((email) => ({ email, name: "Member", passwordHash: "unused" })),
    });
    const users = await prisma().user.findMany({ where: { email: { in: emails } }, select: { id: true } });
    await prisma().membership.createMany({
      data: users.map((u) => ({ userId: u.id, accountId, role: "member" as const })),
    });

    const sentBefore = smtp.received.length;
    const { notifying } = await enableEnforcement(owner.user.id, accountId, 0, meta);
    expect(smtp.received.length).toBe(sentBefore); // nothing sent inside the request
    // Nor a row per member: one broadcast, which the delivery run below expands.
    expect(await prisma().emailMessage.count({ where: { to: { in: emails } } })).toBe(0);

    const report = await pollMail(transport, 120_000); // the poller: expand the broadcast, then deliver
    expect(report).toMatchObject({ retrying: 0, failed: 0 });
    expect(report.sent).toBeGreaterThanOrEqual(2000); // and the owner's own "2FA on" message
    const arrived = smtp.received.filter((m) => m.to.endsWith(`-${tag}@example.com`));
    expect(arrived).toHaveLength(2000);
    expect(new Set(arrived.map((m) => m.to)).size).toBe(2000);
    expect(await prisma().mailBroadcast.findUniqueOrThrow({ where: { id: notifying } })).toMatchObject({
      queued: 2000,
    });
  }, 240_000);
});

describe("the delivery route for hosts without a server (/api/cron/mail)", () => {
  async function routeWith(vars: Record<string, string>) {
    vi.resetModules();
    for (const [name, value] of Object.entries(vars)) vi.stubEnv(name, value);
    try {
      (await import("@/lib/env")).env();
      return (await import("@/app/api/cron/mail/route")).GET;
    } finally {
      vi.unstubAllEnvs();
    }
  }
  const call = (GET: (r: NextRequest) => Promise<Response>, authorization?: string) =>
    GET(new NextRequest("http://localhost/api/cron/mail", { headers: authorization ? { authorization } : {} }));
  const secret = "s".repeat(40);

  it("does not exist without CRON_SECRET, and refuses any other secret", async () => {
    const absent = await call(await routeWith({}), `Bearer ${secret}`);
    expect([absent.status, absent.headers.get("cache-control")]).toEqual([404, "private, no-store"]);
    const GET = await routeWith({ CRON_SECRET: secret });
    for (const header of [undefined, "Bearer wrong", `Bearer ${secret}x`, secret, `bearer ${secret}`]) {
      const refused = await call(GET, header);
      expect([refused.status, refused.headers.get("cache-control")], String(header)).toEqual([
        401,
        "private, no-store",
      ]);
    }
  });

  it("delivers the outbox for the right secret", async () => {
    const to = `cron-${randomUUID().slice(0, 8)}@example.com`;
    await queueMail(mail(to, "From the cron"));
    const GET = await routeWith({ CRON_SECRET: secret });
    const response = await call(GET, `Bearer ${secret}`);
    expect([response.status, response.headers.get("cache-control")]).toEqual([200, "private, no-store"]);
    expect((await response.json()).sent).toBeGreaterThanOrEqual(1);
    // Without SMTP_URL outside production, delivery is the development mailbox: kept whole.
    expect(await prisma().emailMessage.findFirstOrThrow({ where: { to } })).toMatchObject({
      status: "sent",
      text: expect.stringContaining("Body"),
    });
  });
});
