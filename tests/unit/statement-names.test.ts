import { describe, expect, it } from "vitest";
import { PLANNED_PER_RUN, statementNamer } from "@/lib/db/statement-names";

describe("statementNamer", () => {
  it("gives a text the same name every time and different texts different names", () => {
    const name = statementNamer();
    const claim = name('UPDATE "LoginChallenge" SET "attempts" = "attempts" + 1 WHERE "id" = $1');
    const accept = name('UPDATE "User" SET "totpLastStep" = $2 WHERE "id" = $1');
    expect(claim).toMatch(/^twofold_\d+$/);
    expect(accept).toMatch(/^twofold_\d+$/);
    expect(accept).not.toBe(claim);
    expect(name('UPDATE "LoginChallenge" SET "attempts" = "attempts" + 1 WHERE "id" = $1')).toBe(claim);
  });

  it("leaves texts whose shape follows a list's length unnamed, so they cannot pile up", () => {
    const name = statementNamer();
    expect(name('SELECT * FROM "User" WHERE "id" IN ($1,$2,$3)')).toBeUndefined();
    expect(name('INSERT INTO "RateLimit" ("key","attempts") VALUES ($1,$2), ($3,$4)')).toBeUndefined();
    // As Prisma 7 writes an enum list, and as raw SQL may write one.
    const roles = (n: number) =>
      Array.from({ length: n }, (_, i) => `CAST($${i + 1}::text AS "public"."Role")`).join(",");
    expect(name(`SELECT "id" FROM "public"."Membership" WHERE "role" IN (${roles(2)}) OFFSET $3`)).toBeUndefined();
    expect(name(`SELECT "id" FROM "Membership" WHERE "role" in ($1::text, $2::text)`)).toBeUndefined();
    expect(name('INSERT INTO "User" ("id","email") VALUES ($1,$2),($3,$4)')).toBeUndefined();
    // One value is one text whatever the data: it is named, as is a single-row insert.
    expect(name('SELECT * FROM "User" WHERE "id" IN ($1)')).toBeDefined();
    expect(name(`SELECT "id" FROM "public"."Membership" WHERE "role" IN (${roles(1)}) OFFSET $2`)).toBeDefined();
    expect(name('INSERT INTO "User" ("id","email") VALUES ($1,$2) RETURNING "id"')).toBeDefined();
  });

  it("leaves a statement marked to be planned per run unnamed, so no generic plan is kept for it", () => {
    const name = statementNamer();
    expect(name(`SELECT * FROM "Membership" WHERE "accountId" = $1 ${PLANNED_PER_RUN} LIMIT $2`)).toBeUndefined();
    expect(name(`SELECT * FROM "Membership" WHERE "accountId" = $1 LIMIT $2`)).toBeDefined();
  });

  it("names no more than its limit, and keeps the names it gave", () => {
    const name = statementNamer(2);
    const first = name("SELECT 1");
    name("SELECT 2");
    expect(name("SELECT 3")).toBeUndefined();
    expect(name("SELECT 1")).toBe(first);
  });
});
