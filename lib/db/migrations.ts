// Applies and authors ordinary Prisma migration folders (prisma/migrations/<timestamp>_<name>/migration.sql)
// with Prisma's own schema engine, through the same driver adapters the app uses.
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { withSchemaEngine } from "./schema-engine";

const root = () => process.cwd();
const migrationsDir = () => path.join(root(), "prisma/migrations");
const schemaPath = () => path.join(root(), "prisma/schema.prisma");
const LOCKFILE = 'provider = "postgresql"\n';
const filters = { externalTables: [], externalEnums: [] };

export type Migration = { name: string; sql: string };

export async function readMigrations(): Promise<Migration[]> {
  if (!existsSync(migrationsDir())) return [];
  const entries = await readdir(migrationsDir(), { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => ({
      name,
      sql: await readFile(path.join(migrationsDir(), name, "migration.sql"), "utf8"),
    })),
  );
}

function toMigrationsList(migrations: Migration[]) {
  return {
    baseDir: migrationsDir(),
    lockfile: { path: "migration_lock.toml", content: LOCKFILE },
    shadowDbInitScript: "",
    migrationDirectories: migrations.map((m) => ({
      path: m.name,
      migrationFile: { path: "migration.sql", content: { tag: "ok" as const, value: m.sql } },
    })),
  };
}

/**
 * Applies pending migrations (prisma/migrations, or the ones given); returns the names it applied
 * (none when up to date).
 */
export async function applyMigrations(
  factory: SqlMigrationAwareDriverAdapterFactory,
  migrations?: Migration[],
): Promise<string[]> {
  const schema = await readFile(schemaPath(), "utf8");
  const migrationsList = toMigrationsList(migrations ?? (await readMigrations()));
  return withSchemaEngine(schema, factory, async (engine) => {
    for (let attempt = 1; ; attempt++) {
      try {
        // After a retry: the names applied by the last attempt (those before it stay applied).
        return (await engine.applyMigrations({ migrationsList, filters })).appliedMigrationNames;
      } catch (error) {
        const lost = lostToLock(error);
        if (!lost || attempt === LOCK_ATTEMPTS) throw error;
        // A script runs whole, in one transaction (./schema-engine.ts), so one that lost a deadlock
        // left nothing behind: it is marked rolled back and run again. A migration that takes table
        // locks can meet a sign-up in flight, which takes them in the other order.
        console.warn(`Migration ${lost} lost a lock to a transaction in flight; running it again.`);
        await engine.markMigrationRolledBack({ migrationName: lost });
      }
    }
  });
}

const LOCK_ATTEMPTS = 3;

/**
 * The migration that failed on a deadlock, a serialization failure or a lock timeout (the engine's
 * message names it; the pg adapter reports the first two as "Transaction write conflict"), or null.
 */
function lostToLock(error: unknown): string | null {
  const message = error instanceof Error ? error.message : String(error);
  if (!/deadlock detected|transaction write conflict|lock timeout/i.test(message)) return null;
  return /migration_name="([^"]+)"/.exec(message)?.[1] ?? null;
}

/**
 * The SQL that takes a database from the existing migrations to prisma/schema.prisma, computed on a
 * scratch in-memory PGlite so no real database is touched. Empty when they already agree.
 */
export async function diffSchemaAgainstMigrations(): Promise<string> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { PrismaPGlite } = await import("pglite-prisma-adapter");
  const scratch = await PGlite.create();
  try {
    const factory = new PrismaPGlite(scratch);
    await applyMigrations(factory);
    const schema = await readFile(schemaPath(), "utf8");
    const files = [{ path: "schema.prisma", content: schema }];
    const result = await withSchemaEngine(schema, factory, (engine) =>
      engine.diff({
        from: { tag: "schemaDatasource", files, configDir: "." },
        to: { tag: "schemaDatamodel", files },
        script: true,
        exitCode: null,
        filters,
      }),
    );
    const sql = (result.stdout ?? "").trim();
    return /^-- This is an empty migration\.?$/i.test(sql) ? "" : sql;
  } finally {
    await scratch.close();
  }
}

/** Writes prisma/migrations/<timestamp>_<name>/migration.sql; returns its folder, or null if nothing changed. */
export async function createMigration(name: string, now = new Date()): Promise<string | null> {
  if (!/^[a-z0-9_]{1,60}$/i.test(name)) throw new Error("Migration names use letters, digits and _ only.");
  const sql = await diffSchemaAgainstMigrations();
  if (!sql) return null;
  const stamp = now.toISOString().replace(/\D/g, "").slice(0, 14);
  const folder = path.join(migrationsDir(), `${stamp}_${name}`);
  await mkdir(folder, { recursive: true });
  await writeFile(path.join(folder, "migration.sql"), `${sql}\n`);
  await writeFile(path.join(migrationsDir(), "migration_lock.toml"), LOCKFILE);
  return folder;
}
