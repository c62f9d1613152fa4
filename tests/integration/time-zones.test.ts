// Stored times mean one instant whatever the PostgreSQL server's TimeZone is (this file runs on a
// server east of UTC and on one west of it): expiries and lockouts are compared with the database
// clock, so a zone-less column would shift them by the server's offset.
import { randomUUID } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import { checkPassword, verifyChallengeSecondFactor } from "@/lib/auth/login";
import { ErrorCode } from "@/lib/errors";
import { reserveAttempt } from "@/lib/rate-limit";
import { readMigrations } from "@/lib/db/migrations";
import { backend, freshDatabasePerFile } from "./database";
import { makeUserWithTwoFactor, meta, PASSWORD } from "./fixtures";

const { prisma } = freshDatabasePerFile();

describe("time zones", () => {
  it("stores and compares timestamps with their zone", async () => {
    const columns = await prisma().$queryRaw<{ table_name: string; column_name: string; data_type: string }[]>`
      SELECT table_name, column_name, data_type FROM information_schema.columns
      WHERE table_schema = current_schema() AND data_type LIKE 'timestamp%' AND table_name <> '_prisma_migrations'`;
    expect(columns.length).toBeGreaterThan(10);
    expect(columns.filter((c) => c.data_type !== "timestamp with time zone")).toEqual([]);
  });

  it("accepts a code on a fresh challenge: the database clock agrees the challenge is unexpired", async () => {
    const { user, nextCode } = await makeUserWithTwoFactor();
    const { token } = await checkPassword(user.email, PASSWORD, meta);
    await expect(verifyChallengeSecondFactor(token, { method: "totp", code: await nextCode() }, meta)).resolves.toBeTruthy();
  });

  it("stores the instant itself, as any other client of the database reads it", async () => {
    const { user } = await makeUserWithTwoFactor();
    const before = Date.now();
    await checkPassword(user.email, PASSWORD, meta);
    const [row] = await prisma().$queryRaw<{ epoch: number }[]>`
      SELECT extract(epoch FROM "expiresAt")::float8 AS epoch FROM "LoginChallenge" WHERE "userId" = ${user.id}`;
    expect(Math.abs(Number(row!.epoch) * 1000 - (before + 5 * 60_000))).toBeLessThan(60_000);
  });

  it("refuses a challenge that expired a minute ago, even on a server west of UTC", async () => {
    const { user, nextCode } = await makeUserWithTwoFactor();
    const { token } = await checkPassword(user.email, PASSWORD, meta);
    await prisma().loginChallenge.updateMany({ where: { userId: user.id }, data: { expiresAt: new Date(Date.now() - 60_000) } });
    await expect(verifyChallengeSecondFactor(token, { method: "totp", code: await nextCode() }, meta)).rejects.toMatchObject({
      code: ErrorCode.challengeExpired,
    });
  });

  it("reports a rate-limit window that ends one window from now, not hours off", async () => {
    const before = Date.now();
    const attempt = await reserveAttempt(`tz:${before}`, 5, 15 * 60_000);
    const drift = attempt.resetAt.getTime() - (before + 15 * 60_000);
    expect(Math.abs(drift)).toBeLessThan(60_000);
  });
});

/** Runs SQL on an empty database of this backend (not the migrated template), then drops it. */
async function withEmptyDatabase(work: (sql: (text: string) => Promise<Record<string, unknown>[]>) => Promise<void>) {
  if (backend === "pglite") {
    const { PGlite } = await import("@electric-sql/pglite");
    const pglite = await PGlite.create();
    try {
      await work(async (text) => (await pglite.exec(text)).at(-1)?.rows ?? []);
    } finally {
      await pglite.close();
    }
    return;
  }
  const { default: pg } = await import("pg");
  const name = `tz_${randomUUID().replace(/-/g, "")}`;
  const admin = new pg.Client({ connectionString: `${inject("postgresUrl")}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const client = new pg.Client({ connectionString: `${inject("postgresUrl")}/${name}` });
  await client.connect();
  try {
    await work(async (text) => {
      const result = await client.query(text);
      return (Array.isArray(result) ? result.at(-1) : result)?.rows ?? [];
    });
  } finally {
    await client.end();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

describe("the timestamptz migration", () => {
  it("keeps the instant of rows written before it, whatever the server's TimeZone", async () => {
    const migrations = await readMigrations();
    const index = migrations.findIndex((m) => m.name.endsWith("_timestamptz"));
    expect(index).toBeGreaterThan(0);
    await withEmptyDatabase(async (sql) => {
      for (const m of migrations.slice(0, index)) await sql(m.sql);
      // What Prisma stored in a zone-less column for 2026-01-02T03:04:05.678Z: the UTC wall-clock time.
      await sql(`INSERT INTO "Account" ("id", "name", "enforcedAt") VALUES ('a1', 'Acme', '2026-01-02 03:04:05.678')`);
      await sql(migrations[index]!.sql);
      const [row] = await sql(`SELECT to_char("enforcedAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS') AS utc FROM "Account"`);
      expect(row?.utc).toBe("2026-01-02T03:04:05.678");
    });
  }, 120_000); // a fresh embedded database (initdb) takes seconds, many more on a busy machine
});
