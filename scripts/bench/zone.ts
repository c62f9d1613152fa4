// One benchmark run on a fresh PostgreSQL in one server TimeZone: seed through lib/, start Twofold's
// production server and the bare reference, drive every target at 1 and 32 clients, count the SQL
// statements per accepted code and (when asked) watch the server's memory over many sign-ins.
import path from "node:path";
import { PrismaClient } from "../../lib/generated/prisma/client";
import { setDatabase } from "../../lib/db";
import { postgresAdapter, transactionOptions } from "../../lib/db/connection";
import { serverAction } from "../../tests/e2e/build-manifest";
import { freePort } from "../../tests/support/free-port";
import type { ActionIds } from "../load/journeys";
import { seed } from "../load/seed";
import { measureScalePaths } from "../seed-scale/paths";
import { SECRETS, startApp } from "../servers/app";
import { startPostgres, startScaleCopy } from "../servers/postgres";
import { onStop } from "../servers/stop-all";
import { drive } from "./drive";
import { monotonicMicros, profileSummary } from "./profile";
import { memoryUnderSignIns } from "./memory";
import { cpuSeconds, residentMiB } from "../load/report";
import {
  latencyTable,
  median,
  memoryTable,
  statementTable,
  statementTimeTable,
  twoFactorCost,
  twoFactorCostByRequest,
  type Row,
} from "./report";
import {
  countStatements,
  enableStatementCounts,
  resetStatementTimes,
  statementTimes,
  type StatementCount,
} from "./statements";
import * as targets from "./targets";

/** Users seeded; requests per run at 1 and at 32 clients (whole sign-ins: `signIns`), each run cut at
 * `seconds`; whole sign-ins watched for memory (0: none). */
export type Sizes = {
  users: number;
  one: number;
  many: number;
  signIns: number;
  seconds: number;
  memory: number;
  /** Only the server's CPU time per TOTP step beside the empty route's and action's, instead of the figures. */
  cpu?: boolean;
  /** … under V8's CPU profiler, the profile written to this folder. */
  profile?: string;
};
const CLIENTS = [1, 32];

type Zone = {
  servers: targets.Servers;
  prisma: PrismaClient;
  app: Awaited<ReturnType<typeof startApp>>;
  /** Stops the servers and the database, in that order. */
  stop: () => Promise<void>;
};

/**
 * A database with the bench's users seeded through lib/, Twofold's production server and the bare
 * reference on it. `database`: "fresh" is a new, empty PostgreSQL; "scale" a copy of the
 * million-user database of `npm run seed:scale`. lib/'s database is this one afterwards.
 */
async function startZone(
  timeZone: string,
  sizes: Sizes,
  empty: { base: string; id: string; pid?: number },
  ports: { from: number; to: number } | undefined,
  database: "fresh" | "scale",
): Promise<Zone> {
  const start = database === "scale" ? startScaleCopy : startPostgres;
  const pg = await start({
    name: "bench",
    port: await freePort(ports),
    timeZone,
    flags: [
      ...["-c", "shared_preload_libraries=pg_stat_statements", "-c", "pg_stat_statements.track=all"],
      // Planning times too, for --cpu's statement table (it costs a little on every statement).
      ...(sizes.cpu ? ["-c", "pg_stat_statements.track_planning=on"] : []),
    ],
  });
  onStop(pg.stop);
  const prisma = new PrismaClient({ adapter: await postgresAdapter(pg.url), transactionOptions });
  setDatabase(prisma);
  onStop(() => prisma.$disconnect());
  await enableStatementCounts();
  console.error(`  ${zoneName(timeZone, database)}: seeding ${sizes.users} users with 2FA through lib/…`);
  const seeded = await seed({ withTwoFactor: sizes.users, toEnrol: 0, admins: 1, withoutTwoFactor: 50 });
  // Seeding leaves dead rows (the seed's own emails, deleted) that autovacuum would clear during the
  // timed runs, on the million-user copy for many seconds: clear them and refresh statistics first.
  await prisma.$executeRawUnsafe("VACUUM ANALYZE");
  const admin = seeded.users.find((u) => u.admin)!;
  const users = seeded.users.filter((u) => !u.admin); // the admin's codes are spent by the user list

  const appPort = await freePort(ports);
  const base = `http://127.0.0.1:${appPort}`;
  const env = { ...SECRETS, DATABASE_URL: pg.url, NEXTAUTH_URL: base, TRUSTED_PROXY_HOPS: "1", LOG_LEVEL: "error" };
  const app = await startApp({
    command: [...(sizes.profile ? ["--cpu-prof", `--cpu-prof-dir=${sizes.profile}`] : []), "server.mjs"],
    port: appPort,
    env,
    log: path.resolve(`.data/bench/server-${database}.log`),
  });
  onStop(app.stop);
  const ref = await startApp({
    command: ["scripts/bench/reference-server.mjs"],
    port: await freePort(ports),
    env: { DATABASE_URL: pg.url, TOTP_ENCRYPTION_KEY: SECRETS.TOTP_ENCRYPTION_KEY },
    log: path.resolve(`.data/bench/reference-${database}.log`),
    healthPath: "/health",
  });
  onStop(ref.stop);
  for (let i = 0; i < 5; i++) await fetch(`${base}/login`).then((r) => r.arrayBuffer()); // first answers warm caches

  const names = ["startLoginEnrolment", "finishLoginEnrolment"] as const;
  const ids = Object.fromEntries(names.map((n) => [n, serverAction(n).id])) as ActionIds;
  const servers: targets.Servers = {
    app: base,
    ids,
    users,
    plain: seeded.plain,
    admin,
    accountId: seeded.accountId,
    reference: ref.base,
    empty,
  };
  const stop = async () => {
    await ref.stop();
    await app.stop();
    await prisma.$disconnect();
    await pg.stop();
  };
  return { servers, prisma, app, stop };
}

const zoneName = (timeZone: string, database: "fresh" | "scale") =>
  database === "scale" ? `${timeZone}, 1M users` : timeZone;

export async function benchZone(
  timeZone: string,
  sizes: Sizes,
  empty: { base: string; id: string; pid?: number },
  ports: { from: number; to: number } | undefined,
): Promise<{ errors: number }> {
  const { servers, app, stop } = await startZone(timeZone, sizes, empty, ports, "fresh");
  const users = servers.users;
  if (sizes.cpu) {
    const { errors } = await profileTotpStep(
      targets.totpStep(servers),
      [targets.emptyRoute(servers), targets.emptyAction(servers)].map((target) => ({ target, pid: servers.empty.pid })),
      { pid: app.child.pid, stop: app.stop },
      sizes,
    );
    return { errors };
  }
  const [reference, emptyAction, emptyRoute, totp, recovery, withIt, without] = [
    targets.reference(servers),
    targets.emptyAction(servers),
    targets.emptyRoute(servers),
    targets.totpStep(servers),
    targets.recoveryStep(servers),
    targets.wholeSignIn(servers),
    targets.signInWithout2fa(servers),
  ];
  const list = [reference, emptyAction, emptyRoute, totp, recovery, withIt, without, targets.userList(servers)];
  const rows: Row[] = [];
  for (const target of list) {
    for (const clients of CLIENTS) {
      const signIn = target.name.includes("sign-in");
      const warm = 20;
      // Each user has two unused codes after a reset (this step and the next): no more requests than that.
      const n = Math.min(signIn ? sizes.signIns : clients === 1 ? sizes.one : sizes.many, 2 * users.length - warm);
      console.error(`  ${timeZone}: ${target.name}, ${clients} client${clients > 1 ? "s" : ""}, ${n} requests…`);
      await target.prepare?.(warm + n);
      await drive(warm, clients, target.request, sizes.seconds); // unrecorded: JIT, pools and caches warm up
      const figures = await drive(n, clients, (i, time) => target.request(warm + i, time), sizes.seconds);
      rows.push({ name: target.name, clients, figures });
      if (figures.error) console.error(`  ${target.name}, ${clients} clients: ${figures.errors} × ${figures.error}`);
    }
  }

  // argon2id's time varies from sign-in to sign-in by more than the difference sought: many rounds.
  const costRounds = 8;
  console.error(`  ${timeZone}: what 2FA adds to a whole sign-in, ${costRounds} alternating rounds…`);
  await withIt.prepare?.(0);
  for (const target of [withIt, without]) target.steps?.clear(); // the 32-client runs' times are not these
  const cost = await alternatingRounds(
    [withIt, without].map((target) => ({ name: target.name, target, pid: app.child.pid })),
    costRounds,
    Math.min(50, Math.floor((2 * users.length - 60) / costRounds)),
    10,
  );

  const counts: [string, StatementCount][] = [];
  for (const target of [totp, recovery, reference]) {
    const times = 10;
    await target.prepare?.(times);
    counts.push([target.name, await countStatements(times, (i) => target.request(i, (exchange) => exchange()))]);
  }

  const floors = [
    { name: reference.name, label: "reference" },
    { name: emptyAction.name, label: "empty action" },
    { name: emptyRoute.name, label: "empty route" },
  ];
  console.log(`## PostgreSQL server TimeZone ${timeZone}\n\n${latencyTable(rows, floors)}\n`);
  const { p50s, cpus } = cost;
  console.log(
    `${twoFactorCost(p50s.get(withIt.name)!, p50s.get(without.name)!, cpus.get(withIt.name)!, cpus.get(without.name)!)}\n`,
  );
  console.log(`${twoFactorCostByRequest(withIt.steps!, without.steps!)}\n`);
  console.log(`${cost.table}\n`);
  console.log(`${statementTable(counts)}\n`);
  let errors = rows.reduce((sum, r) => sum + r.figures.errors, cost.errors);
  if (sizes.memory) {
    console.error(`  ${timeZone}: memory over ${sizes.memory} whole sign-ins…`);
    const memory = await memoryUnderSignIns(
      withIt,
      app.child.pid,
      sizes.memory,
      32,
      Math.min(2500, 2 * users.length - 10), // two unused codes per user per batch
    );
    console.log(
      `Memory of the Twofold server over ${sizes.memory.toLocaleString("en")} whole sign-ins at 32 clients:\n`,
    );
    console.log(`${memoryTable(memory.before, memory.marks)}\n`);
    errors += memory.marks.at(-1)?.errors ?? 0;
  }
  await stop();
  return { errors };
}

/**
 * 4 rounds and a warm-up out of `budget` requests per contender (each seeded user has two unused
 * codes): the warm-up takes at most a fifth of a small budget (--quick), so the rounds are never empty.
 */
function roundSizes(budget: number, warmAtMost: number) {
  const rounds = 4;
  const warm = Math.min(warmAtMost, Math.floor(budget / 5));
  const n = Math.floor((budget - warm) / rounds);
  if (n < 1) throw new Error(`${budget} requests are too few for ${rounds} rounds: seed more users (--users).`);
  return { rounds, warm, n };
}

type Contender = { name: string; target: targets.Target; pid?: number };

/**
 * `rounds` rounds of `n` requests at 1 client, the contenders taking turns, after `warm` unrecorded
 * requests each: the host's drift then falls on all of them alike. Prints each round's p50, the
 * server's CPU time per request (from /proc, which that drift moves far less) and its RSS, as a
 * table; returns it with each contender's p50s and CPU times, and the time window of the first
 * contender's last round.
 */
async function alternatingRounds(contenders: Contender[], rounds: number, n: number, warm: number) {
  for (const { target } of contenders) await drive(warm, 1, target.request);
  const lines: string[] = [];
  const p50s = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  const cpus = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  let errors = 0;
  let window = { from: 0, to: 0 };
  for (let round = 0; round < rounds; round++) {
    for (const [k, { name, target, pid }] of contenders.entries()) {
      const cpu = cpuSeconds(pid);
      const from = monotonicMicros();
      const figures = await drive(n, 1, (i, time) => target.request(warm + round * n + i, time));
      if (k === 0) window = { from, to: monotonicMicros() };
      const used = ((cpuSeconds(pid)! - cpu!) * 1000) / figures.n;
      errors += figures.errors;
      p50s.get(name)!.push(figures.p50);
      cpus.get(name)!.push(used);
      const rss = residentMiB(pid)?.toFixed(0) ?? "–";
      lines.push(
        `| ${round + 1} | ${name} | ${figures.n} | ${figures.p50.toFixed(2)} ms | ${used.toFixed(2)} ms | ${rss} MiB |`,
      );
    }
  }
  const table = [
    "| round | path | n | p50 | server CPU per request | server RSS |",
    "| --- | --- | --- | --- | --- | --- |",
    ...lines,
  ].join("\n");
  return { errors, p50s, cpus, window, table };
}

/**
 * The TOTP second step with a million more users in the tables against the same step on a fresh
 * database: both servers up at once (UTC), their rounds alternating, so the ratio is not the host's
 * drift between two runs minutes apart (which moved a p50 from 6 to 11.7 ms here).
 */
export async function compareAtScale(
  sizes: Sizes,
  empty: { base: string; id: string; pid?: number },
  ports: { from: number; to: number } | undefined,
): Promise<{ errors: number }> {
  const zones = [] as { name: string; zone: Zone }[];
  for (const [name, database] of [
    ["second step, TOTP code: fresh database", "fresh"],
    ["second step, TOTP code: 1,000,000 more users", "scale"],
  ] as const) {
    zones.push({ name, zone: await startZone("UTC", sizes, empty, ports, database) });
  }
  const { rounds, warm, n } = roundSizes(Math.min(sizes.one, 2 * zones[0]!.zone.servers.users.length - 20), 200);
  const contenders: Contender[] = [];
  for (const { name, zone } of zones) {
    const target = targets.totpStep(zone.servers);
    setDatabase(zone.prisma); // lib/ makes each database's challenges
    await target.prepare?.(warm + rounds * n);
    contenders.push({ name, target, pid: zone.app.child.pid });
  }
  console.error(`  UTC: the TOTP step on both databases, ${rounds} alternating rounds of ${n}…`);
  const { errors, p50s, table } = await alternatingRounds(contenders, rounds, n, warm);
  console.log(`${table}\n`);
  const [small, big] = contenders.map((c) => median(p50s.get(c.name)!));
  console.log(
    `Second step (TOTP code, 1 client), median of the rounds' p50s: ${big!.toFixed(2)} ms with 1,000,000 more ` +
      `users, ${small!.toFixed(2)} ms on the fresh database: ratio ${(big! / small!).toFixed(2)}× (target ≤ 1.2×).\n`,
  );
  // The other scale targets, in-process on the same copy (members and audit pages, enforcement), as
  // `npm run measure:scale` times them: with no server on it, whose mail poller would expand the
  // enforcement's broadcast (and send its emails) in the middle of the timed expansion.
  console.error("  UTC, 1M users: the members and audit pages, the second step and enforcement in-process…");
  for (const { zone } of zones) await zone.app.stop();
  setDatabase(zones[1]!.zone.prisma);
  console.log(`${await measureScalePaths()}\n`);
  for (const { zone } of zones) await zone.stop();
  return { errors };
}

/**
 * Where the server's time goes on the second step: CPU time per accepted TOTP code beside the empty
 * route's and action's, in alternating rounds; PostgreSQL's own time for each of its statements; and
 * a CPU profile (`node --cpu-prof`) of the last round, summed by package and function.
 */
async function profileTotpStep(
  target: targets.Target,
  floors: { target: targets.Target; pid?: number }[],
  app: { pid?: number; stop: () => Promise<void> },
  sizes: Sizes,
) {
  // Warm-up: until V8 has optimised the hot paths of both servers.
  const { rounds, warm, n } = roundSizes(Math.min(sizes.one, 2 * (sizes.users - 1) - 20), 300);
  await target.prepare?.(rounds * n + warm);
  await resetStatementTimes(); // the warm-up's statements are in the means too (they run the same plans)
  const { errors, window, table } = await alternatingRounds(
    [{ target, pid: app.pid }, ...floors].map((c) => ({ name: c.target.name, ...c })),
    rounds,
    n,
    warm,
  );
  console.log(`${table}\n`);
  console.log(`${statementTimeTable(await statementTimes(n))}\n`);
  await app.stop(); // the profile is written as the server exits
  if (sizes.profile) console.log(profileSummary(sizes.profile, window)); // Twofold's last round
  return { errors };
}
