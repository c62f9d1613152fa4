// Migration scripts run whole, in one transaction, as `prisma migrate deploy` runs them (lib/db/
// schema-engine.ts): a PL/pgSQL body keeps its semicolons, and a script that fails is reported,
// undone and not recorded as applied. The adapters split scripts on ";" (pg) or did not wait for
// them (PGlite), which broke the first and lost the second.
import { describe, expect, it } from "vitest";
import { applyMigrations, diffSchemaAgainstMigrations } from "@/lib/db/migrations";
import { withEmptyDatabase } from "./database";

const withFunction = {
  name: "20000101000000_with_function",
  sql: `CREATE TABLE "Scratch" (x INT);
CREATE FUNCTION "twice"(n INT) RETURNS INT LANGUAGE plpgsql AS $$
BEGIN
  n := n * 2;
  RETURN n;
END
$$;`,
};
const failing = { name: "20000102000000_failing", sql: `INSERT INTO "Scratch" VALUES (1);\nSELECT 1 / 0;` };

// Loses a deadlock the first time it runs: the sequence counts attempts outside its transaction.
const counter = { name: "20000103000000_counter", sql: `CREATE SEQUENCE "attempts";` };
const losesOnce = {
  name: "20000104000000_loses_once",
  sql: `CREATE TABLE "Done" (x INT);
DO $$
BEGIN
  IF nextval('attempts') = 1 THEN
    RAISE EXCEPTION 'deadlock detected' USING ERRCODE = '40P01';
  END IF;
END
$$;`,
};

describe("migration scripts", () => {
  it("run again, after being marked rolled back, when one lost a deadlock", async () => {
    await withEmptyDatabase(async (sql, factory) => {
      expect(await applyMigrations(factory, [counter, losesOnce])).toContain(losesOnce.name);
      expect(await sql(`SELECT count(*)::int AS n FROM "Done"`)).toEqual([{ n: 0 }]);
      expect(await sql(`SELECT last_value::int AS n FROM "attempts"`)).toEqual([{ n: 2 }]);
      expect(
        await sql(`SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY 1`),
      ).toEqual([{ migration_name: counter.name }, { migration_name: losesOnce.name }]);
    });
  });

  it("agree with prisma/schema.prisma: the schema engine would add or drop nothing", async () => {
    expect(await diffSchemaAgainstMigrations()).toBe("");
  });

  it("keep a function body whole; a failing one is reported, undone and not recorded as applied", async () => {
    await withEmptyDatabase(async (sql, factory) => {
      expect(await applyMigrations(factory, [withFunction])).toEqual([withFunction.name]);
      expect(await sql(`SELECT "twice"(21) AS n`)).toEqual([{ n: 42 }]);

      await expect(applyMigrations(factory, [withFunction, failing])).rejects.toThrow(/division by zero/);
      expect(await sql(`SELECT count(*)::int AS n FROM "Scratch"`)).toEqual([{ n: 0 }]);
      expect(
        await sql(`SELECT migration_name, finished_at IS NOT NULL AS applied FROM _prisma_migrations ORDER BY 1`),
      ).toEqual([
        { migration_name: withFunction.name, applied: true },
        { migration_name: failing.name, applied: false },
      ]);
    });
  });
});
