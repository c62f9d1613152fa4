import { describe, expect, it } from "vitest";
import { statementNamer } from "@/lib/db/statement-names";

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
    expect(name('SELECT * FROM "User" WHERE "id" IN ($1)')).toBeDefined();
  });

  it("names no more than its limit, and keeps the names it gave", () => {
    const name = statementNamer(2);
    const first = name("SELECT 1");
    name("SELECT 2");
    expect(name("SELECT 3")).toBeUndefined();
    expect(name("SELECT 1")).toBe(first);
  });
});
