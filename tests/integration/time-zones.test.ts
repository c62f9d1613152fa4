// Stored times mean one instant whatever the PostgreSQL server's TimeZone is (this file runs on a
// server east of UTC and on one west of it): expiries and lockouts are compared with the database
// clock, so a zone-less column would shift them by the server's offset.
import { describe, expect, it } from "vitest";
import { checkPassword, verifyChallengeSecondFactor } from "@/lib/auth/sign-in";
import { ErrorCode } from "@/lib/errors";
import { reserveAttempt } from "@/lib/rate-limit";
import { readMigrations } from "@/lib/db/migrations";
import { freshDatabasePerFile, withEmptyDatabase } from "./database";
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
    await expect(
      verifyChallengeSecondFactor(token, { method: "totp", code: await nextCode() }, meta),
    ).resolves.toBeTruthy();
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
    await prisma().loginChallenge.updateMany({
      where: { userId: user.id },
      data: { expiresAt: new Date(Date.now() - 60_000) },
    });
    await expect(
      verifyChallengeSecondFactor(token, { method: "totp", code: await nextCode() }, meta),
    ).rejects.toMatchObject({
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
      const [row] = await sql(
        `SELECT to_char("enforcedAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS') AS utc FROM "Account"`,
      );
      expect(row?.utc).toBe("2026-01-02T03:04:05.678");
    });
  }, 120_000); // a fresh embedded database (initdb) takes seconds, many more on a busy machine
});
