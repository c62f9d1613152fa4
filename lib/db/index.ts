import "server-only";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { databaseTarget, nonUtcSessionMessage, openDatabase, transactionOptions } from "./connection";
import { applyMigrations } from "./migrations";

// One client per process, created on first use and cached on globalThis: Next gives instrumentation,
// route handlers and pages their own module copies, and PGlite must be opened only once.
type Holder = { client?: Promise<PrismaClient> };
const holder = ((globalThis as { __twofoldDb?: Holder }).__twofoldDb ??= {});

async function connect(): Promise<PrismaClient> {
  const target = databaseTarget();
  const database = await openDatabase(target);
  // The embedded database is migrated inside the server process: a second process must not write it.
  if (target.kind === "pglite") {
    const applied = await applyMigrations(database.factory);
    if (applied.length) console.log(`[db] applied migrations: ${applied.join(", ")}`);
  }
  const client = new PrismaClient({ adapter: database.factory, transactionOptions });
  if (target.kind === "postgres") await assertUtcSessions(client);
  return client;
}

/** Refuses to run on sessions outside UTC (a pooler that dropped the pin, a database default). */
export async function assertUtcSessions(client: PrismaClient): Promise<void> {
  // Any zone that is UTC+0 in winter and in summer will do (PGlite says "Etc/GMT0", servers "UTC").
  const [row] = await client.$queryRaw<{ zone: string; utc: boolean }[]>`
    SELECT current_setting('TimeZone') AS zone,
      (timestamptz '2020-01-15 12:00Z' AT TIME ZONE current_setting('TimeZone')) = timestamp '2020-01-15 12:00'
      AND (timestamptz '2020-07-15 12:00Z' AT TIME ZONE current_setting('TimeZone')) = timestamp '2020-07-15 12:00' AS utc`;
  if (!row?.utc) {
    await client.$disconnect();
    throw new Error(nonUtcSessionMessage(row?.zone ?? "unknown"));
  }
}

export function db(): Promise<PrismaClient> {
  holder.client ??= connect().catch((error) => {
    holder.client = undefined;
    throw error;
  });
  return holder.client;
}

/** Tests hand in a client of their own (a fresh PGlite copy or a real PostgreSQL database). */
export function setDatabase(client: PrismaClient) {
  holder.client = Promise.resolve(client);
}

export type { PrismaClient };
