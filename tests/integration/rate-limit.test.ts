// The limiter itself (lib/rate-limit): only failures count, a success takes back only its own
// reservation, and the window slides, so no moment lets more than the limit through. Real time with
// short windows: the database clock decides, as it does in production.
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { readMigrations } from "@/lib/db/migrations";
import { releaseAll, releaseAttempt, reserveAttempt } from "@/lib/rate-limit";
import { freshDatabasePerFile, withEmptyDatabase } from "./database";

freshDatabasePerFile();
const key = () => `test:${randomUUID()}`;

describe("rate limits", () => {
  it("parallel reservations never pass the limit", async () => {
    const k = key();
    const attempts = await Promise.all(Array.from({ length: 20 }, () => reserveAttempt(k, 5, 60_000)));
    expect(attempts.filter((a) => a.allowed)).toHaveLength(5);
  });

  it("parallel requests releasing the same keys at once never deadlock", async () => {
    // A sign-in passes three limits and gives all three back in one statement. On PostgreSQL two such
    // releases took the rows in the order the table held them, which each update changes: deadlocks.
    for (let round = 0; round < 10; round++) {
      const keys = [key(), key(), key()];
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, async () => {
          const reserved = [];
          for (const k of keys) reserved.push(await reserveAttempt(k, 100, 60_000));
          return releaseAll(reserved).then(
            () => "released",
            (error: Error) => error.message,
          );
        }),
      );
      expect(outcomes.filter((o) => o !== "released")).toEqual([]);
    }
  });

  it("a success takes back only its own reservation, never another request's failure", async () => {
    const k = key();
    // A slow request reserves, and its reservation ages out of the 3 s window while it runs.
    const slow = await reserveAttempt(k, 2, 3000);
    await sleep(3200);
    // Meanwhile two guesses fail and use up the window.
    expect((await reserveAttempt(k, 2, 3000)).allowed).toBe(true);
    expect((await reserveAttempt(k, 2, 3000)).allowed).toBe(true);
    // The slow request succeeds: that must not hand a third guess to the attacker.
    await releaseAttempt(slow);
    expect((await reserveAttempt(k, 2, 3000)).allowed).toBe(false);
  });

  it("a burst straddling a window boundary cannot exceed the limit", async () => {
    const k = key();
    const windowMs = 3000;
    const allowedAt: number[] = [];
    const burst = async (n: number) => {
      for (let i = 0; i < n; i++) if ((await reserveAttempt(k, 3, windowMs)).allowed) allowedAt.push(Date.now());
    };
    await burst(1);
    await sleep(2000);
    await burst(3); // late in the first window: 2 more allowed, 1 refused
    await sleep(1300); // the first window is over, the burst above is 1.3 s old
    await burst(3);
    // In any span of one window, at most 3 guesses were let through.
    for (const start of allowedAt) {
      expect(allowedAt.filter((t) => t >= start && t < start + windowMs).length).toBeLessThanOrEqual(3);
    }
    expect(allowedAt).toHaveLength(4); // the first guess's slot came back; the others had not yet
  });

  it("says when the next attempt will be allowed", async () => {
    const k = key();
    const before = Date.now();
    await reserveAttempt(k, 2, 60_000);
    await reserveAttempt(k, 2, 60_000);
    const refused = await reserveAttempt(k, 2, 60_000);
    expect(refused.allowed).toBe(false);
    expect(Math.abs(refused.resetAt.getTime() - (before + 60_000))).toBeLessThan(5_000);
  });
});

describe("the sliding-window migration", () => {
  it("keeps the failures of a counter still running, so a lockout in progress survives the upgrade", async () => {
    const migrations = await readMigrations();
    const index = migrations.findIndex((m) => m.name.endsWith("_sliding_rate_limits"));
    expect(index).toBeGreaterThan(0);
    await withEmptyDatabase(async (sql) => {
      for (const m of migrations.slice(0, index)) await sql(m.sql);
      await sql(`INSERT INTO "RateLimit" ("key", "windowStart", "count") VALUES
        ('password:email:a@example.com', now() - interval '5 minutes', 11), ('old', now() - interval '3 days', 2)`);
      await sql(migrations[index]!.sql);
      const rows = await sql(`SELECT "key", jsonb_array_length("attempts") AS "failures",
        ("attempts"->0->>'at')::timestamptz > now() - interval '15 minutes' AS "inWindow", "expiresAt" > now() AS "live"
        FROM "RateLimit" ORDER BY "key"`);
      expect(rows).toEqual([
        { key: "old", failures: 2, inWindow: false, live: false },
        { key: "password:email:a@example.com", failures: 11, inWindow: true, live: true },
      ]);
    });
  });
});
