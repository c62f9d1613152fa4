// Gives each test file its own fresh, migrated database on the backend this project runs against.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, inject } from "vitest";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { setDatabase } from "@/lib/db";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { postgresAdapter, transactionOptions } from "@/lib/db/connection";

export const backend = process.env.TEST_DATABASE as "pglite" | "postgres";

export function freshDatabasePerFile(): { prisma: () => PrismaClient } {
  let prisma: PrismaClient | undefined;
  let cleanup = async () => {};
  beforeAll(async () => {
    if (backend === "postgres") {
      const { default: pg } = await import("pg");
      const base = inject("postgresUrl");
      const name = `t_${randomUUID().replace(/-/g, "")}`;
      const admin = new pg.Client({ connectionString: `${base}/postgres` });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name} TEMPLATE twofold_template`);
      prisma = new PrismaClient({ adapter: await postgresAdapter(`${base}/${name}`, { max: 25 }), transactionOptions });
      cleanup = async () => {
        await prisma?.$disconnect();
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
      };
    } else {
      const { PGlite } = await import("@electric-sql/pglite");
      const { PrismaPGlite } = await import("pglite-prisma-adapter");
      const image = readFileSync(inject("pgliteImage"));
      const pglite = await PGlite.create({ loadDataDir: new Blob([image]) });
      prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite), transactionOptions }); // as the app (lib/db)
      cleanup = async () => {
        await prisma?.$disconnect();
        await pglite.close();
      };
    }
    setDatabase(prisma);
  });
  afterAll(() => cleanup());
  return { prisma: () => prisma! };
}

type Sql = (text: string) => Promise<Record<string, unknown>[]>;

/**
 * Runs SQL on an empty database of this backend (not the migrated template), then drops it. `factory`
 * opens that database as the app and the migrations do.
 */
export async function withEmptyDatabase(
  work: (sql: Sql, factory: SqlMigrationAwareDriverAdapterFactory) => Promise<void>,
) {
  if (backend === "pglite") {
    const { PGlite } = await import("@electric-sql/pglite");
    const { PrismaPGlite } = await import("pglite-prisma-adapter");
    const pglite = await PGlite.create();
    try {
      await work(async (text) => (await pglite.exec(text)).at(-1)?.rows ?? [], new PrismaPGlite(pglite));
    } finally {
      await pglite.close();
    }
    return;
  }
  const { default: pg } = await import("pg");
  const name = `tz_${randomUUID().replace(/-/g, "")}`;
  const admin = new pg.Client({ connectionString: `${inject("postgresUrl")}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = `${inject("postgresUrl")}/${name}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const sql: Sql = async (text) => {
      const result = await client.query(text);
      return (Array.isArray(result) ? result.at(-1) : result)?.rows ?? [];
    };
    await work(sql, await postgresAdapter(url));
  } finally {
    await client.end();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}
