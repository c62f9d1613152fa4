import { describe, expect, it } from "vitest";
import { healthReport } from "@/lib/health";
import { freshDatabasePerFile } from "./database";

const { prisma } = freshDatabasePerFile();

describe("health", () => {
  it("is ok on a migrated database, and names a migration that is missing", async () => {
    const ok = await healthReport();
    expect(ok).toMatchObject({ ok: true, database: "ok", migrations: { pending: [] } });
    expect(ok.migrations!.applied).toBe(ok.migrations!.expected);

    const [last] = await prisma().$queryRaw<{ migration_name: string }[]>`
      SELECT migration_name FROM _prisma_migrations ORDER BY migration_name DESC LIMIT 1`;
    await prisma()
      .$executeRaw`UPDATE _prisma_migrations SET finished_at = NULL WHERE migration_name = ${last!.migration_name}`;
    const behind = await healthReport();
    expect(behind).toMatchObject({ ok: false, database: "ok", migrations: { pending: [last!.migration_name] } });
    await prisma()
      .$executeRaw`UPDATE _prisma_migrations SET finished_at = now() WHERE migration_name = ${last!.migration_name}`;
  });

  it("says nothing about where the database is", async () => {
    const text = JSON.stringify(await healthReport());
    expect(text).not.toMatch(/postgres|pglite|password|127\.0\.0\.1|localhost/i);
  });
});
