import { describe, expect, it } from "vitest";
import { isLocalHost, postgresTarget, resetPlan } from "@/lib/db/reset-plan";

const remote = { kind: "postgres", url: "postgres://twofold:secret@db.example.com:5432/production" } as const;

describe("what npm run db:reset may drop", () => {
  it("the embedded database, and a PostgreSQL server on this machine, without asking", () => {
    expect(resetPlan({ kind: "pglite", dir: "/srv/twofold/.data/pglite" }, [])).toEqual({
      allowed: true,
      description: "the embedded database in /srv/twofold/.data/pglite",
    });
    for (const url of [
      "postgres://u:p@localhost/dev",
      "postgres://u:p@127.0.0.1:5433/dev",
      "postgresql://u:p@[::1]:5432/dev",
      "postgres:///dev?host=/var/run/postgresql",
      "postgres://u@/dev",
    ]) {
      expect(resetPlan({ kind: "postgres", url }, [], {}), url).toMatchObject({ allowed: true });
    }
  });

  it("says what it drops: the database, its host and port", () => {
    expect(resetPlan({ kind: "postgres", url: "postgres://u:p@localhost:5433/dev" }, []).description).toBe(
      'every table in database "dev" on localhost:5433 (schema public, dropped and created again)',
    );
  });

  it("refuses any other server unless the command names its database", () => {
    const refused = resetPlan(remote, []);
    expect(refused.allowed).toBe(false);
    expect(refused.refusal).toBe(
      "db.example.com is not on this machine. To drop it anyway: npm run db:reset -- --yes-really-drop production",
    );
    expect(resetPlan(remote, ["--yes-really-drop"]).allowed).toBe(false);
    expect(resetPlan(remote, ["--yes-really-drop", "staging"])).toMatchObject({
      allowed: false,
      refusal: expect.stringContaining('names "staging", not "production"'),
    });
    expect(resetPlan(remote, ["--yes-really-drop", "production"]).allowed).toBe(true);
    expect(resetPlan(remote, ["--yes-really-drop=production"]).allowed).toBe(true);
  });

  it("reads the host and database as pg would, environment defaults included", () => {
    expect(postgresTarget("postgres://u@/dev", { PGHOST: "db.example.com" })).toEqual({
      host: "db.example.com",
      port: "5432",
      database: "dev",
    });
    expect(resetPlan({ kind: "postgres", url: "postgres://u@/dev" }, [], { PGHOST: "db.example.com" }).allowed).toBe(
      false,
    );
    expect(postgresTarget("postgres://alice@localhost", {})).toMatchObject({ database: "alice" });
    expect(["localhost", "127.0.0.1", "127.1.2.3", "::1", "/tmp"].every(isLocalHost)).toBe(true);
    expect(
      ["db.example.com", "10.0.0.5", "192.168.1.2", "localhost.example.com", "::ffff:10.0.0.5"].some(isLocalHost),
    ).toBe(false);
  });
});
