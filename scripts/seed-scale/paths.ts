// The scale paths timed in-process on the database `npm run seed:scale` made (or a copy of it): the
// members page (first, later, previous, search, without 2FA, also with 500 left), the members CSV, the
// audit log (first, deep, one type), the 2FA summary of the enforcement page, an owner made admin (the
// last-owner check), the second step (TOTP, the full lib path), and turning enforcement on for the
// 100,000-member account and expanding its broadcast into emails (then undone by SQL, so it can run
// again). Used by `npm run measure:scale` and `npm run bench -- --scale`; lib/'s database must be that
// database.
import { performance } from "node:perf_hooks";
import { enableEnforcement, protectionSummary } from "../../lib/accounts/enforcement";
import { listMembers } from "../../lib/accounts/member-list";
import { changeRole } from "../../lib/accounts/members";
import { membersCsv } from "../../lib/accounts/members-csv";
import { listAuditEvents } from "../../lib/audit-log";
import { verifyChallengeSecondFactor } from "../../lib/auth/sign-in";
import { createChallenge } from "../../lib/auth/sign-in/challenge";
import { seal } from "../../lib/crypto/secret-box";
import { db } from "../../lib/db";
import { configuredTotpKeys } from "../../lib/env";
import { expandBatch } from "../../lib/mail/broadcast";
import { totpSecretContext } from "../../lib/two-factor/secret-context";
import { totpCode } from "../../lib/two-factor/totp";
import { SECRETS } from "./secrets";

const meta = { ip: "198.51.100.1", userAgent: "measure", origin: "http://localhost:3000" };
const BIG = "sa00000";
const OWNER = "su0000000";

async function timed(runs: number, work: (i: number) => Promise<unknown>) {
  const samples: number[] = [];
  await work(-1); // warm
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await work(i);
    samples.push(performance.now() - start);
  }
  return summary(samples);
}

/** "p50 | p95 | runs" of the samples, in milliseconds (with 20 runs the p95 is the slowest). */
function summary(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(1);
  return `${at(0.5)} | ${at(0.95)} | ${sorted.length}`;
}

type Rows = [string, string][];

/** Each path's p50, p95 and runs in milliseconds, as a Markdown table. */
export async function measureScalePaths(): Promise<string> {
  const rows: Rows = [
    ...(await memberPages()),
    await membersExport(),
    ...(await auditPages()),
    ["2FA summary of the enforcement page", await timed(20, () => protectionSummary(BIG))],
    await ownerMadeAdmin(),
    await secondStep(),
    ...(await enforcement()),
  ];
  const header = "| path (in-process, PostgreSQL 18, 1M users) | p50 ms | p95 ms | runs |\n| --- | --- | --- | --- |";
  return [header, ...rows.map(([name, value]) => `| ${name} | ${value} |`)].join("\n");
}

async function memberPages(): Promise<Rows> {
  const first = await listMembers(BIG);
  let cursor = first.next!;
  for (let i = 0; i < 200; i++) cursor = (await listMembers(BIG, { after: cursor })).next!; // page 200
  const deep = await listMembers(BIG, { after: cursor });
  return [
    ["members, first page", await timed(20, () => listMembers(BIG))],
    ["members, page 200 (Next)", await timed(20, () => listMembers(BIG, { after: cursor }))],
    ["members, page 200 (Previous)", await timed(20, () => listMembers(BIG, { before: deep.previous! }))],
    ['members, search name "kai"', await timed(20, () => listMembers(BIG, { search: "kai" }))],
    ['members, search email "eve.ba"', await timed(20, () => listMembers(BIG, { search: "eve.ba" }))],
    ["members, without 2FA", await timed(20, () => listMembers(BIG, { withoutTwoFactor: true }))],
    ...(await fewWithoutTwoFactor()),
  ];
}

/**
 * "Without 2FA" once most of the big account has turned 2FA on, which is what the view is for after
 * enforcement: every member without it but the 500 first (users 0 to 1,249, of whom i % 5 >= 3) gets
 * an app for a while, marked by its time, then loses it again. Timed after a VACUUM, as autovacuum
 * would leave the tables between members turning 2FA on and an admin looking; vacuumed again after,
 * since the 79,000 dead user rows made the name search that came next 4 times slower.
 */
async function fewWithoutTwoFactor(): Promise<Rows> {
  const prisma = await db();
  const marked = `"totpEnabledAt" = '2001-01-01T00:00:00Z'`;
  const unmark = () => prisma.$executeRawUnsafe(`UPDATE "User" SET "totpEnabledAt" = NULL WHERE ${marked}`);
  const vacuum = () => prisma.$executeRawUnsafe(`VACUUM ANALYZE "User", "Membership"`);
  await unmark(); // what a run stopped halfway left
  await prisma.$executeRawUnsafe(
    `UPDATE "User" SET ${marked} WHERE "totpEnabledAt" IS NULL AND id >= 'su0001250' AND id < 'su0100000'`,
  );
  try {
    await vacuum();
    const first = await listMembers(BIG, { withoutTwoFactor: true });
    if (first.total !== 500) throw new Error(`expected 500 members without 2FA, listed ${first.total}`);
    return [
      [
        "members, without 2FA, 500 of 100,000 left",
        await timed(20, () => listMembers(BIG, { withoutTwoFactor: true })),
      ],
      [
        "members, without 2FA, 500 left, page 2",
        await timed(20, () => listMembers(BIG, { withoutTwoFactor: true, after: first.next! })),
      ],
    ];
  } finally {
    await unmark();
    await vacuum();
  }
}

async function membersExport(): Promise<[string, string]> {
  const whole = async () => {
    let lines = 0;
    for await (const chunk of membersCsv(BIG)) lines += chunk.split("\r\n").length - 1;
    if (lines !== 100_001) throw new Error(`expected a header and 100,000 members, exported ${lines} lines`);
  };
  return ["members CSV, whole export (100,000 rows)", await timed(3, whole)];
}

/** Member 1, an admin, made owner (untimed) and back to admin (timed: it checks that an owner is left). */
async function ownerMadeAdmin(): Promise<[string, string]> {
  const prisma = await db();
  const member = "sm0000001";
  try {
    const samples: number[] = [];
    for (let run = -1; run < 20; run++) {
      await changeRole(OWNER, BIG, member, "owner", meta);
      const start = performance.now();
      await changeRole(OWNER, BIG, member, "admin", meta);
      if (run >= 0) samples.push(performance.now() - start); // the first one warms
    }
    return ["an owner made admin (the last-owner check), 100,000 members", summary(samples)];
  } finally {
    await prisma.membership.update({ where: { id: member }, data: { role: "admin" } });
    await prisma.auditEvent.deleteMany({
      where: { accountId: BIG, type: "member.role_changed", userAgent: "measure" },
    });
  }
}

async function auditPages(): Promise<Rows> {
  const audit = await listAuditEvents(BIG);
  let older = audit.older!;
  for (let i = 0; i < 200; i++) older = (await listAuditEvents(BIG, { after: older })).older!;
  return [
    ["audit log, first page", await timed(20, () => listAuditEvents(BIG))],
    ["audit log, page 200", await timed(20, () => listAuditEvents(BIG, { after: older }))],
    ['audit log, type "password.changed"', await timed(20, () => listAuditEvents(BIG, { type: "password.changed" }))],
  ];
}

/** The second step for enrolled users spread over the million (user i has SECRETS[i % 8], i % 5 < 3). */
async function secondStep(): Promise<[string, string]> {
  const prisma = await db();
  const enrolled = Array.from({ length: 80 }, (_, k) => k * 12_345).filter((i) => i % 5 < 3);
  // Sealed again with the current SECRETS: a database seeded before they were lengthened to 160 bits
  // holds secrets that otplib refuses.
  for (const i of enrolled) {
    const id = `su${String(i).padStart(7, "0")}`;
    const totpSecret = seal(SECRETS[i % SECRETS.length]!, configuredTotpKeys()!, totpSecretContext("totp", id));
    await prisma.user.update({ where: { id }, data: { totpSecret, totpLastStep: null } });
  }
  return [
    "second step (TOTP, whole lib path)",
    await timed(enrolled.length - 1, async (k) => {
      const i = enrolled[k + 1]!;
      const id = `su${String(i).padStart(7, "0")}`;
      const token = await createChallenge({ id, sessionVersion: 0 }, "verify", meta.ip);
      const code = await totpCode(SECRETS[i % SECRETS.length]!);
      await verifyChallengeSecondFactor(token, { method: "totp", code }, meta); // throws if refused
    }),
  ];
}

/**
 * The switch stores one broadcast row (lib/mail/broadcast.ts); the poller expands it afterwards. Both
 * are timed: the switch over several runs, then one full expansion batch by batch; then all undone.
 */
async function enforcement(): Promise<Rows> {
  const prisma = await db();
  const reset = () =>
    prisma.$executeRawUnsafe(
      `UPDATE "Account" SET "enforceTwoFactor" = false, "enforcedAt" = NULL WHERE id = '${BIG}'`,
    );
  const switches: number[] = [];
  let broadcastId = "";
  for (let run = 0; run < 5; run++) {
    await reset();
    const start = performance.now();
    broadcastId = (await enableEnforcement(OWNER, BIG, 24, meta)).notifying;
    switches.push(performance.now() - start);
    if (run < 4) await prisma.mailBroadcast.delete({ where: { id: broadcastId } });
  }
  const batches: number[] = [];
  const expandStart = performance.now();
  for (;;) {
    const start = performance.now();
    const step = await expandBatch(broadcastId);
    batches.push(performance.now() - start);
    if (!step || step.done) break;
  }
  const expansion = performance.now() - expandStart;
  const { queued } = await prisma.mailBroadcast.findUniqueOrThrow({ where: { id: broadcastId } });
  await prisma.emailMessage.deleteMany({ where: { broadcastId } });
  await prisma.mailBroadcast.deleteMany({ where: { accountId: BIG } });
  await prisma.auditEvent.deleteMany({
    where: { accountId: BIG, type: { in: ["enforcement.on", "enforcement.grace_set"] }, userAgent: "measure" },
  });
  await reset();
  return [
    ["enforcement on, 100,000 members (the switch: one broadcast row)", summary(switches)],
    [
      `broadcast expansion, 1,000 members a batch (${queued} emails queued in ${(expansion / 1000).toFixed(1)} s)`,
      summary(batches),
    ],
  ];
}
