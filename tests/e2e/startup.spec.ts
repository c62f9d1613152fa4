// The production server (the build these tests run against) refuses to start without a database it
// was told to use: it exits non-zero with the reason instead of serving 500s or writing to a folder
// that a deploy would wipe. `DATABASE_URL=pglite:<folder>` chooses the embedded database explicitly.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { embeddedPostgres, migratedDatabase } from "./embedded-postgres.mjs";

const config = {
  NEXTAUTH_SECRET: "e2e-secret-e2e-secret-e2e-secret-0123456",
  TOTP_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString("base64"),
  TRUSTED_PROXY_HOPS: "0",
};
/** `npm start` (server.mjs), and Next's own `next start`, which runs the same instrumentation. */
const commands = { "npm start": ["server.mjs"], "next start": ["node_modules/next/dist/bin/next", "start"] };

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The production server with exactly these variables (none inherited that name a database). */
async function startServer(vars: Record<string, string>, command: keyof typeof commands = "npm start") {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, ...config, NEXTAUTH_URL: `http://localhost:${port}` };
  for (const name of ["DATABASE_URL", "PGLITE_DIR", "NODE_ENV"]) delete env[name];
  Object.assign(env, vars);
  const child = spawn(process.execPath, [...commands[command], "-p", String(port)], { env });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { port, child, exited, output: () => output };
}

/** The exit code, or "still running" after `ms` (the server was then stopped). */
async function exitWithin(server: Awaited<ReturnType<typeof startServer>>, ms: number) {
  const timer = new Promise<"still running">((resolve) => setTimeout(() => resolve("still running"), ms));
  const result = await Promise.race([server.exited, timer]);
  if (result === "still running") server.child.kill("SIGTERM");
  return result;
}

for (const command of Object.keys(commands) as (keyof typeof commands)[]) {
  test(`without DATABASE_URL the production server (${command}) exits non-zero, saying why and what to set`, async () => {
    const server = await startServer({}, command);
    expect(await exitWithin(server, 60_000)).toBe(1);
    expect(server.output()).toContain("Twofold will not start in production without DATABASE_URL.");
    expect(server.output()).toContain("pglite:<folder>");
  });
}

test("PGLITE_DIR alone does not choose the embedded database in production", async () => {
  const server = await startServer({ PGLITE_DIR: mkdtempSync(path.join(os.tmpdir(), "twofold-pglite-")) });
  expect(await exitWithin(server, 60_000)).toBe(1);
  expect(server.output()).toContain("without DATABASE_URL");
});

test("a DATABASE_URL of another kind stops the start too", async () => {
  const server = await startServer({ DATABASE_URL: "mysql://twofold@localhost/twofold" });
  expect(await exitWithin(server, 60_000)).toBe(1);
  expect(server.output()).toContain(
    "DATABASE_URL must start with postgres://, postgresql:// (Twofold runs on PostgreSQL only) or pglite:<folder>.",
  );
});

test("an invalid HEAP_GROWING_PERCENT stops the start, saying what to set", async () => {
  const server = await startServer({
    DATABASE_URL: "postgres://twofold@localhost/twofold",
    HEAP_GROWING_PERCENT: "35%",
  });
  expect(await exitWithin(server, 60_000)).toBe(1);
  expect(server.output()).toContain('Invalid HEAP_GROWING_PERCENT "35%"');
});

test("DATABASE_URL=pglite:<folder> starts the production server on the embedded database", async () => {
  test.setTimeout(180_000);
  const folder = path.join(mkdtempSync(path.join(os.tmpdir(), "twofold-pglite-")), "pglite");
  const server = await startServer({ DATABASE_URL: `pglite:${folder}` });
  let exitCode: number | null | undefined;
  void server.exited.then((code) => (exitCode = code));
  try {
    // A fresh embedded database is created and migrated first: seconds on an idle machine.
    await expect
      .poll(async () => exitCode ?? (await fetch(`http://127.0.0.1:${server.port}/login`).catch(() => null))?.status, {
        timeout: 150_000,
        intervals: [1_000],
      })
      .toBe(200);
    expect(server.output()).toContain("[db] applied migrations");
  } finally {
    server.child.kill("SIGTERM");
    await server.exited;
    test.info().annotations.push({ type: "server output", description: server.output().slice(-2_000) });
  }
});

test("a server whose log pipe closed goes on answering when its database goes away, and stops when told", async () => {
  test.setTimeout(180_000);
  // The process reading the server's output went away (a log shipper, a terminal) and then so did
  // PostgreSQL: the errors the server meets can no longer be written anywhere. It must go on serving
  // what needs no database, say it is unhealthy, and stop on SIGTERM.
  const pgPort = await freePort();
  const dir = path.join(os.tmpdir(), `twofold-logpipe-${process.pid}-${pgPort}`); // initdb creates it, as its own user
  const pg = embeddedPostgres({ dir, port: pgPort });
  await pg.initialise();
  await pg.start();
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    const DATABASE_URL = await migratedDatabase(pg, pgPort);
    server = await startServer({ DATABASE_URL });
    const base = `http://127.0.0.1:${server.port}`;
    const status = (p: string) =>
      fetch(`${base}${p}`, { signal: AbortSignal.timeout(5_000) }).then(
        (r) => r.status,
        (e: Error) => e.name,
      );
    await expect.poll(() => status("/api/health"), { timeout: 150_000, intervals: [1_000] }).toBe(200);

    server.child.stdout.destroy();
    server.child.stderr.destroy();
    await pg.stop();
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 1_000));
      expect(await status("/login")).toBe(200);
      expect(await status("/api/health")).toBe(503);
    }
    server.child.kill("SIGTERM");
    const stopped = await Promise.race([server.exited, new Promise((r) => setTimeout(() => r("hung"), 15_000))]);
    expect(stopped).not.toBe("hung");
  } finally {
    server?.child.kill("SIGKILL");
    await pg.stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
});
