// Where the database is and how to open it: embedded PGlite (no DATABASE_URL) or a PostgreSQL server.
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { acquireFolderLock } from "./folder-lock";

export type DatabaseTarget = { kind: "pglite"; dir: string } | { kind: "postgres"; url: string };

export function databaseTarget(env: NodeJS.ProcessEnv = process.env): DatabaseTarget {
  const url = env.DATABASE_URL?.trim();
  if (url) {
    if (!/^postgres(ql)?:\/\//.test(url)) {
      throw new Error("DATABASE_URL must start with postgres:// or postgresql:// (Twofold runs on PostgreSQL only).");
    }
    return { kind: "postgres", url };
  }
  return { kind: "pglite", dir: path.resolve(/*turbopackIgnore: true*/ env.PGLITE_DIR?.trim() || ".data/pglite") };
}

export type OpenDatabase = {
  factory: SqlMigrationAwareDriverAdapterFactory;
  close(): Promise<void>;
};

/**
 * Prisma's PostgreSQL adapter for a server URL. The session TimeZone is pinned to UTC: the adapter
 * sends zone-less times and relabels the offset of the timestamptz values it reads instead of
 * converting them (prisma/orm#26786), so on a server east or west of UTC every stored time and
 * every comparison with now() would be off by the server's offset.
 */
export async function postgresAdapter(url: string, pool: { max?: number } = {}) {
  const { PrismaPg } = await import("@prisma/adapter-pg");
  return new PrismaPg({ connectionString: url, options: "-c TimeZone=UTC", ...pool });
}

/** Opens the target; for PGlite also takes the folder lock, since PGlite has none of its own. */
export async function openDatabase(target: DatabaseTarget): Promise<OpenDatabase> {
  if (target.kind === "postgres") {
    return { factory: await postgresAdapter(target.url), close: async () => {} };
  }
  mkdirSync(path.dirname(target.dir), { recursive: true });
  const release = acquireFolderLock(target.dir);
  try {
    const { PGlite } = await import("@electric-sql/pglite");
    const { PrismaPGlite } = await import("pglite-prisma-adapter");
    const pglite = await PGlite.create(target.dir);
    return {
      factory: new PrismaPGlite(pglite),
      close: async () => {
        await pglite.close();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}
