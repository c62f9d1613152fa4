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
import { SECRETS, startApp } from "../servers/app";
import { startPostgres } from "../servers/postgres";
import { onStop } from "../servers/stop-all";
import { drive } from "./drive";
import { memoryUnderSignIns } from "./memory";
import { latencyTable, memoryTable, statementTable, type Row } from "./report";
import { countStatements, enableStatementCounts, type StatementCount } from "./statements";
import * as targets from "./targets";

/** Users seeded; requests per run at 1 and at 32 clients (whole sign-ins: `signIns`), each run cut at
 * `seconds`; whole sign-ins watched for memory (0: none). */
export type Sizes = { users: number; one: number; many: number; signIns: number; seconds: number; memory: number };
const CLIENTS = [1, 32];

export async function benchZone(
  timeZone: string,
  sizes: Sizes,
  empty: { base: string; id: string },
  ports: { from: number; to: number } | undefined,
): Promise<{ errors: number }> {
  const pg = await startPostgres({
    name: "bench",
    port: await freePort(ports),
    timeZone,
    flags: ["-c", "shared_preload_libraries=pg_stat_statements", "-c", "pg_stat_statements.track=all"],
  });
  onStop(pg.stop);
  const prisma = new PrismaClient({ adapter: await postgresAdapter(pg.url), transactionOptions });
  setDatabase(prisma);
  onStop(() => prisma.$disconnect());
  await enableStatementCounts();
  console.error(`  ${timeZone}: seeding ${sizes.users} users with 2FA through lib/…`);
  const seeded = await seed({ withTwoFactor: sizes.users, toEnrol: 0, admins: 1 });
  const admin = seeded.users.find((u) => u.admin)!;
  const users = seeded.users.filter((u) => !u.admin); // the admin's codes are spent by the user list

  const appPort = await freePort(ports);
  const base = `http://127.0.0.1:${appPort}`;
  const env = { ...SECRETS, DATABASE_URL: pg.url, NEXTAUTH_URL: base, TRUSTED_PROXY_HOPS: "1", LOG_LEVEL: "error" };
  const app = await startApp({
    command: ["server.mjs"],
    port: appPort,
    env,
    log: path.resolve(".data/bench/server.log"),
  });
  onStop(app.stop);
  const ref = await startApp({
    command: ["scripts/bench/reference-server.mjs"],
    port: await freePort(ports),
    env: { DATABASE_URL: pg.url, TOTP_ENCRYPTION_KEY: SECRETS.TOTP_ENCRYPTION_KEY },
    log: path.resolve(".data/bench/reference.log"),
    healthPath: "/health",
  });
  onStop(ref.stop);
  for (let i = 0; i < 5; i++) await fetch(`${base}/login`).then((r) => r.arrayBuffer()); // first answers warm caches

  const names = ["submitPassword", "submitSecondFactor", "startLoginEnrolment", "finishLoginEnrolment"] as const;
  const ids = Object.fromEntries(names.map((n) => [n, serverAction(n).id])) as ActionIds;
  const servers: targets.Servers = {
    app: base,
    ids,
    users,
    admin,
    accountId: seeded.accountId,
    reference: ref.base,
    empty,
  };
  const list = [
    targets.reference(servers),
    targets.emptyAction(servers),
    targets.totpStep(servers),
    targets.recoveryStep(servers),
    targets.wholeSignIn(servers),
    targets.userList(servers),
  ];
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

  const counts: [string, StatementCount][] = [];
  for (const target of [list[2]!, list[3]!, list[0]!]) {
    const times = 10;
    await target.prepare?.(times);
    counts.push([target.name, await countStatements(times, (i) => target.request(i, (exchange) => exchange()))]);
  }

  console.log(`## PostgreSQL server TimeZone ${timeZone}\n\n${latencyTable(rows, list[0]!.name, list[1]!.name)}\n`);
  console.log(`${statementTable(counts)}\n`);
  let errors = rows.reduce((sum, r) => sum + r.figures.errors, 0);
  if (sizes.memory) {
    console.error(`  ${timeZone}: memory over ${sizes.memory} whole sign-ins…`);
    const memory = await memoryUnderSignIns(
      list[4]!,
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
  await ref.stop();
  await app.stop();
  await prisma.$disconnect();
  await pg.stop();
  return { errors };
}
