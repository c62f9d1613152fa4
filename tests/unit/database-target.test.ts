import path from "node:path";
import { describe, expect, it } from "vitest";
import { databaseTarget, DatabaseConfigError, poolerAware, startupOptions } from "@/lib/db/connection";

describe("which database the app opens", () => {
  it("in production, only the one it was told to use", () => {
    for (const env of [{}, { DATABASE_URL: "" }, { DATABASE_URL: "  " }, { PGLITE_DIR: ".data/pglite" }]) {
      expect(() => databaseTarget({ NODE_ENV: "production", ...env })).toThrow(DatabaseConfigError);
      expect(() => databaseTarget({ NODE_ENV: "production", ...env })).toThrow(/without DATABASE_URL.*pglite:<folder>/);
    }
    const url = "postgres://twofold:secret@db.example.com:5432/twofold";
    expect(databaseTarget({ NODE_ENV: "production", DATABASE_URL: url })).toEqual({ kind: "postgres", url });
  });

  it("chooses the embedded database explicitly with pglite:<folder>, in any mode", () => {
    expect(databaseTarget({ NODE_ENV: "production", DATABASE_URL: "pglite:./.data/pglite" })).toEqual({
      kind: "pglite",
      dir: path.resolve(".data/pglite"),
    });
    expect(databaseTarget({ NODE_ENV: "production", DATABASE_URL: "pglite:/var/lib/twofold" })).toEqual({
      kind: "pglite",
      dir: "/var/lib/twofold",
    });
    expect(() => databaseTarget({ NODE_ENV: "production", DATABASE_URL: "pglite:" })).toThrow(/needs a folder/);
  });

  it("refuses any other kind of URL", () => {
    for (const url of ["mysql://db/twofold", "file:./dev.db", "pglite", "localhost:5432"]) {
      expect(() => databaseTarget({ DATABASE_URL: url }), url).toThrow(/postgres:\/\/.*pglite:<folder>/);
    }
  });

  it("keeps development and tests free of configuration: PGlite in PGLITE_DIR or .data/pglite", () => {
    expect(databaseTarget({})).toEqual({ kind: "pglite", dir: path.resolve(".data/pglite") });
    expect(databaseTarget({ NODE_ENV: "development" })).toEqual({ kind: "pglite", dir: path.resolve(".data/pglite") });
    expect(databaseTarget({ NODE_ENV: "test", PGLITE_DIR: ".data/e2e-dev/pglite" })).toEqual({
      kind: "pglite",
      dir: path.resolve(".data/e2e-dev/pglite"),
    });
  });
});

describe("how the app connects to a PostgreSQL server", () => {
  it("keeps its UTC pin and plan cache rule after a URL's own options, so they win", () => {
    const url = "postgres://u:p%40ss@db.example:5432/twofold?options=-c%20search_path%3Dapp&sslmode=require";
    const { connectionString, options } = startupOptions(url);
    expect(options).toBe("-c search_path=app -c TimeZone=UTC -c plan_cache_mode=auto");
    expect(connectionString).toBe("postgres://u:p%40ss@db.example:5432/twofold?sslmode=require");
    expect(startupOptions("postgres://u:p@db.example/twofold")).toEqual({
      connectionString: "postgres://u:p@db.example/twofold",
      options: "-c TimeZone=UTC -c plan_cache_mode=auto",
    });
  });

  it("treats pgbouncer=true, =1 and =TRUE alike (nothing prepared, no start-up options)", () => {
    for (const value of ["true", "1", "TRUE"]) {
      expect(poolerAware(`postgres://u:p@pool.example/twofold?pgbouncer=${value}`)).toEqual({
        connectionString: "postgres://u:p@pool.example/twofold",
        pooled: true,
      });
    }
    expect(poolerAware("postgres://u:p@db.example/twofold?pgbouncer=false").pooled).toBe(false);
  });
});
