// `npm run measure:scale`: in-process server time of the scale paths on the database seeded by
// `npm run seed:scale` (DATABASE_URL, default its embedded server on port 3990): the members page
// (first, later, previous, search, without 2FA), the audit log (first, deep), the second step (TOTP,
// the full lib path), and turning enforcement on for the 100,000-member account and expanding its
// broadcast into emails (then undone by SQL, so the script can run again). Prints a Markdown table for docs/benchmarks.md.
import { performance } from "node:perf_hooks";

process.env.NEXTAUTH_SECRET ??= "scale-secret-scale-secret-scale-secret-0";
process.env.TOTP_ENCRYPTION_KEY ??= Buffer.alloc(32, 7).toString("base64"); // the seed's default key
const url = process.env.DATABASE_URL ?? "postgres://postgres:postgres@127.0.0.1:3990/twofold";
const meta = { ip: "198.51.100.1", userAgent: "measure", origin: "http://localhost:3000" };
const BIG = "sa00000";
const OWNER = "su0000000";

const { PrismaClient } = await import("../lib/generated/prisma/client");
const { setDatabase } = await import("../lib/db");
// As the app connects: UTC sessions, prepared statements, 30 s transactions (not Prisma's 5 s).
const { postgresAdapter, transactionOptions } = await import("../lib/db/connection");
const prisma = new PrismaClient({ adapter: await postgresAdapter(url), transactionOptions });
setDatabase(prisma);
const { listMembers } = await import("../lib/accounts/member-list");
const { listAuditEvents } = await import("../lib/audit-log");
const { enableEnforcement } = await import("../lib/accounts/enforcement");
const { createChallenge } = await import("../lib/auth/sign-in/challenge");
const { verifyChallengeSecondFactor } = await import("../lib/auth/sign-in");
const { totpCode } = await import("../lib/two-factor/totp");
const { SECRETS } = await import("./seed-scale/secrets");
const { seal } = await import("../lib/crypto/secret-box");
const { configuredTotpKeys } = await import("../lib/env");
const { totpSecretContext } = await import("../lib/two-factor/secret-context");

async function timed(runs: number, work: (i: number) => Promise<unknown>) {
  const samples: number[] = [];
  await work(-1); // warm
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await work(i);
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!.toFixed(1);
  return `${at(0.5)} | ${at(0.95)} | ${runs}`;
}

const rows: [string, string][] = [];
const first = await listMembers(BIG);
let cursor = first.next!;
for (let i = 0; i < 200; i++) cursor = (await listMembers(BIG, { after: cursor })).next!; // page 200
const deep = await listMembers(BIG, { after: cursor });
rows.push(["members, first page", await timed(20, () => listMembers(BIG))]);
rows.push(["members, page 200 (Next)", await timed(20, () => listMembers(BIG, { after: cursor }))]);
rows.push(["members, page 200 (Previous)", await timed(20, () => listMembers(BIG, { before: deep.previous! }))]);
rows.push(['members, search name "kai"', await timed(20, () => listMembers(BIG, { search: "kai" }))]);
rows.push(['members, search email "eve.ba"', await timed(20, () => listMembers(BIG, { search: "eve.ba" }))]);
rows.push(["members, without 2FA", await timed(20, () => listMembers(BIG, { withoutTwoFactor: true }))]);
const audit = await listAuditEvents(BIG);
let older = audit.older!;
for (let i = 0; i < 200; i++) older = (await listAuditEvents(BIG, { after: older })).older!;
rows.push(["audit log, first page", await timed(20, () => listAuditEvents(BIG))]);
rows.push(["audit log, page 200", await timed(20, () => listAuditEvents(BIG, { after: older }))]);

// The second step for enrolled users spread over the million (user i has SECRETS[i % 8], i % 5 < 3).
const enrolled = Array.from({ length: 80 }, (_, k) => k * 12_345).filter((i) => i % 5 < 3);
// Sealed again with the current SECRETS: a database seeded before they were lengthened to 160 bits
// holds secrets that otplib refuses.
for (const i of enrolled) {
  const id = `su${String(i).padStart(7, "0")}`;
  const totpSecret = seal(SECRETS[i % SECRETS.length]!, configuredTotpKeys()!, totpSecretContext("totp", id));
  await prisma.user.update({ where: { id }, data: { totpSecret, totpLastStep: null } });
}
rows.push([
  "second step (TOTP, whole lib path)",
  await timed(enrolled.length - 1, async (k) => {
    const i = enrolled[k + 1]!;
    const id = `su${String(i).padStart(7, "0")}`;
    const token = await createChallenge({ id, sessionVersion: 0 }, "verify", meta.ip);
    const code = await totpCode(SECRETS[i % SECRETS.length]!);
    await verifyChallengeSecondFactor(token, { method: "totp", code }, meta); // throws if refused
  }),
]);

const reset = () =>
  prisma.$executeRawUnsafe(`UPDATE "Account" SET "enforceTwoFactor" = false, "enforcedAt" = NULL WHERE id = '${BIG}'`);
const { expandBatch } = await import("../lib/mail/broadcast");
// The switch stores one broadcast row (lib/mail/broadcast.ts); the poller expands it afterwards. Both
// are timed: the switch over several runs, then one full expansion batch by batch.
const switches: number[] = [];
let broadcastId = "";
for (let run = 0; run < 5; run++) {
  await reset();
  const start = performance.now();
  broadcastId = (await enableEnforcement(OWNER, BIG, 24, meta)).notifying;
  switches.push(performance.now() - start);
  if (run < 4) await prisma.mailBroadcast.delete({ where: { id: broadcastId } });
}
switches.sort((a, b) => a - b);
rows.push([
  "enforcement on, 100,000 members (the switch: one broadcast row)",
  `${switches[2]!.toFixed(1)} | ${switches[4]!.toFixed(1)} | 5`,
]);
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
batches.sort((a, b) => a - b);
rows.push([
  `broadcast expansion, 1,000 members a batch (${queued} emails queued in ${(expansion / 1000).toFixed(1)} s)`,
  `${batches[Math.floor(batches.length / 2)]!.toFixed(1)} | ${batches[Math.floor(batches.length * 0.95)]!.toFixed(1)} | ${batches.length}`,
]);
await prisma.emailMessage.deleteMany({ where: { broadcastId } });
await prisma.mailBroadcast.deleteMany({ where: { accountId: BIG } });
await prisma.auditEvent.deleteMany({
  where: { accountId: BIG, type: { in: ["enforcement.on", "enforcement.grace_set"] }, userAgent: "measure" },
});
await reset();

console.log("| path (in-process, PostgreSQL 18, 1M users) | p50 ms | p95 ms | runs |\n| --- | --- | --- | --- |");
for (const [name, value] of rows) console.log(`| ${name} | ${value} |`);
await prisma.$disconnect();
