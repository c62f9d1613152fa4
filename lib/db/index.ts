import "server-only";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { databaseTarget, openDatabase } from "./connection";
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
  return new PrismaClient({ adapter: database.factory });
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
