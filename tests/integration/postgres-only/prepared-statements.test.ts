// A direct connection prepares each statement once and reuses it, and PostgreSQL may keep one generic
// plan for it after five runs, except for a statement marked to be planned per run (a plan made for an
// average account is slow for a big one); one through a transaction-mode pooler (?pgbouncer=true)
// prepares nothing, since its next transaction may be on another server connection where that
// statement does not exist.
import { describe, expect, inject, it } from "vitest";
import { postgresAdapter } from "@/lib/db/connection";
import { PLANNED_PER_RUN } from "@/lib/db/statement-names";
import { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import { freshDatabasePerFile } from "../database";

const { prisma } = freshDatabasePerFile();

type Prepared = { statement: string; generic: number; custom: number };

/** Looks a user up 7 times on one connection and lists what that connection has prepared. */
async function preparedAfterLookups(client: PrismaClient, planning = Prisma.empty): Promise<Prepared[]> {
  return client.$transaction(async (tx) => {
    for (let i = 0; i < 7; i++)
      await tx.$queryRaw`SELECT "id" FROM "User" WHERE "email" = ${`nobody${i}@example.com`} ${planning}`;
    return tx.$queryRaw<Prepared[]>`
      SELECT statement, generic_plans::int AS generic, custom_plans::int AS custom
      FROM pg_prepared_statements
      WHERE NOT from_sql AND statement LIKE '%"User"%' AND statement NOT LIKE '%pg_prepared_statements%'`;
  });
}

describe("prepared statements", () => {
  it("are prepared once on a direct connection, and keep one generic plan after five runs", async () => {
    const prepared = await preparedAfterLookups(prisma());
    expect(prepared).toHaveLength(1);
    expect(prepared[0].statement).toContain('"email" = $1');
    expect(prepared[0]).toMatchObject({ custom: 5, generic: 2 });
  });

  it("are not prepared when marked to be planned per run", async () => {
    const prepared = await preparedAfterLookups(prisma(), Prisma.raw(PLANNED_PER_RUN));
    expect(prepared.filter((p) => p.statement.includes(PLANNED_PER_RUN))).toEqual([]);
  });

  it("follow PostgreSQL's plan cache rule even when the URL brings start-up options of its own", async () => {
    const db = (await prisma().$queryRaw<{ db: string }[]>`SELECT current_database() AS db`)[0].db;
    const client = new PrismaClient({
      adapter: await postgresAdapter(`${inject("postgresUrl")}/${db}?options=-c%20search_path%3Dpublic`),
    });
    try {
      const [settings] = await client.$queryRaw<{ plans: string; zone: string; path: string }[]>`
        SELECT current_setting('plan_cache_mode') AS plans, current_setting('TimeZone') AS zone,
          current_setting('search_path') AS path`;
      expect(settings).toEqual({ plans: "auto", zone: "UTC", path: "public" });
    } finally {
      await client.$disconnect();
    }
  });

  it("are not prepared through a transaction-mode pooler", async () => {
    const url = (await prisma().$queryRaw<{ db: string }[]>`SELECT current_database() AS db`)[0].db;
    const pooled = new PrismaClient({
      adapter: await postgresAdapter(`${inject("postgresUrl")}/${url}?pgbouncer=true`),
    });
    try {
      expect(await preparedAfterLookups(pooled)).toEqual([]);
    } finally {
      await pooled.$disconnect();
    }
  });
});
