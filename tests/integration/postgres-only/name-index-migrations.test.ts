// The members list's name index replaces the users' one: one migration builds the index on
// "Membership", the next drops the index on "User". In one transaction they took the two tables in
// the order opposite to a sign-up's (a user, then its membership), and a sign-up in flight could be
// cancelled as a deadlock (found by a review).
import { describe, expect, inject, it } from "vitest";
import { applyMigrations, readMigrations } from "@/lib/db/migrations";
import { withEmptyDatabase } from "../database";

describe("the name index migrations on a live database", () => {
  it("let a sign-up that wrote its user before them finish, and apply after it", async () => {
    await withEmptyDatabase(async (sql, factory) => {
      const migrations = await readMigrations();
      const at = migrations.findIndex((m) => m.name.endsWith("_member_name_index"));
      await applyMigrations(factory, migrations.slice(0, at));
      const [{ db }] = (await sql(`SELECT current_database() AS db`)) as { db: string }[];
      const { default: pg } = await import("pg");
      const signUp = new pg.Client({ connectionString: `${inject("postgresUrl")}/${db}` });
      await signUp.connect();
      try {
        await signUp.query(`BEGIN`);
        // The sign-up notices a deadlock first, as it does when it has waited longer.
        await signUp.query(`SET LOCAL deadlock_timeout = '100ms'`);
        await signUp.query(
          `INSERT INTO "User" (id, email, name, "passwordHash", "updatedAt") VALUES ('u', 'u@x.test', 'U', 'x', now())`,
        );
        const migrating = applyMigrations(factory, migrations);
        while ((await sql(`SELECT 1 FROM pg_locks WHERE NOT granted AND relation = '"User"'::regclass`)).length === 0) {
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        await signUp.query(`INSERT INTO "Account" (id, name) VALUES ('a', 'A')`);
        await signUp.query(
          `INSERT INTO "Membership" (id, "userId", "accountId", role) VALUES ('m', 'u', 'a', 'owner')`,
        );
        await signUp.query(`COMMIT`);
        expect(await migrating).toEqual(migrations.slice(at).map((m) => m.name));
        expect(await sql(`SELECT "nameKey" FROM "Membership" WHERE id = 'm'`)).toEqual([{ nameKey: "u" }]);
        expect(await sql(`SELECT indexname FROM pg_indexes WHERE indexname LIKE '%name%idx' ORDER BY 1`)).toEqual([
          { indexname: "Membership_name_idx" },
        ]);
      } finally {
        await signUp.end();
      }
    });
  });
});
