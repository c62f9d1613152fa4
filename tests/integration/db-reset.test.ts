// `npm run db:reset`, run as an operator would: it empties a database on this machine, and refuses
// a server elsewhere (before connecting to it) unless the command names the database.
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, inject, it } from "vitest";
import { backend } from "./database";

function reset(databaseUrl: string, ...args: string[]) {
  const env = { ...process.env, DATABASE_URL: databaseUrl };
  const run = spawnSync("npx", ["tsx", "scripts/db.ts", "reset", ...args], { env, encoding: "utf8", timeout: 120_000 });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe("npm run db:reset", { timeout: 240_000 }, () => {
  it("refuses a server that is not on this machine, without connecting to it", () => {
    const run = reset("postgres://twofold:secret@db.invalid:5432/production");
    expect(run.status).toBe(1);
    expect(run.output).toContain('Refusing to drop every table in database "production" on db.invalid:5432');
    expect(run.output).toContain("npm run db:reset -- --yes-really-drop production");
    expect(run.output).not.toMatch(/ENOTFOUND|getaddrinfo/); // it never tried
  });

  it("goes ahead when --yes-really-drop names the database (here: the host does not exist)", () => {
    const run = reset("postgres://twofold:secret@db.invalid:5432/production", "--yes-really-drop", "production");
    expect(run.output).toContain('Dropping every table in database "production" on db.invalid:5432');
    expect(run.output).toMatch(/ENOTFOUND|getaddrinfo/);
    expect(run.status).toBe(1);
  });

  it("empties a database on this machine and migrates it again, saying what it dropped", async () => {
    let url: string;
    if (backend === "postgres") {
      const { default: pg } = await import("pg");
      const name = `reset_${randomUUID().replace(/-/g, "")}`;
      const admin = new pg.Client({ connectionString: `${inject("postgresUrl")}/postgres` });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      url = `${inject("postgresUrl")}/${name}`;
      const db = new pg.Client({ connectionString: url });
      await db.connect();
      await db.query(`CREATE TABLE "Leftover" (id int); INSERT INTO "Leftover" VALUES (1)`);
      await db.end();
    } else {
      const folder = path.join(mkdtempSync(path.join(os.tmpdir(), "twofold-reset-")), "pglite");
      mkdirSync(folder);
      writeFileSync(path.join(folder, "leftover"), "x");
      url = `pglite:${folder}`;
    }
    const run = reset(url);
    expect(run.output).toMatch(
      backend === "postgres"
        ? /Dropping every table in database "reset_\w+" on 127\.0\.0\.1:\d+/
        : /Dropping the embedded database in \//,
    );
    expect(run.output).toContain("Database emptied.");
    expect(run.output).toMatch(/Applied \d+ migration\(s\)/);
    expect(run.status).toBe(0);
    if (backend === "postgres") {
      const { default: pg } = await import("pg");
      const db = new pg.Client({ connectionString: url });
      await db.connect();
      const { rows } = await db.query(
        `SELECT to_regclass('public."Leftover"') AS leftover, to_regclass('public."User"') AS users`,
      );
      await db.end();
      expect(rows[0]).toEqual({ leftover: null, users: '"User"' });
    } else {
      expect(existsSync(path.join(url.slice("pglite:".length), "leftover"))).toBe(false);
    }
  });
});
