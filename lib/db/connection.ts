// Where the database is and how to open it: a PostgreSQL server (DATABASE_URL=postgres://…) or the
// embedded PGlite in a folder (DATABASE_URL=pglite:<folder>). Development and tests may leave
// DATABASE_URL unset and get PGlite in PGLITE_DIR (default .data/pglite); production may not: on a
// container or serverless host that folder vanishes with every deploy, and the data with it.
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { acquireFolderLock } from "./folder-lock";
import { statementNamer } from "./statement-names";

export type DatabaseTarget = { kind: "pglite"; dir: string } | { kind: "postgres"; url: string };

export class DatabaseConfigError extends Error {}

export const MISSING_DATABASE_MESSAGE =
  "Twofold will not start in production without DATABASE_URL. Set DATABASE_URL=postgres://user:password@host:5432/twofold, " +
  "or DATABASE_URL=pglite:<folder> for the embedded database in a folder that survives restarts and deploys (see .env.example).";

export function databaseTarget(env: Record<string, string | undefined> = process.env): DatabaseTarget {
  const url = env.DATABASE_URL?.trim();
  if (url?.startsWith("pglite:")) {
    const folder = url.slice("pglite:".length).trim();
    if (!folder)
      throw new DatabaseConfigError(
        "DATABASE_URL=pglite: needs a folder, for example DATABASE_URL=pglite:./.data/pglite.",
      );
    return { kind: "pglite", dir: path.resolve(/*turbopackIgnore: true*/ folder) };
  }
  if (url) {
    if (!/^postgres(ql)?:\/\//.test(url)) {
      throw new DatabaseConfigError(
        "DATABASE_URL must start with postgres://, postgresql:// (Twofold runs on PostgreSQL only) or pglite:<folder>.",
      );
    }
    return { kind: "postgres", url };
  }
  if (env.NODE_ENV === "production") throw new DatabaseConfigError(MISSING_DATABASE_MESSAGE);
  return { kind: "pglite", dir: path.resolve(/*turbopackIgnore: true*/ env.PGLITE_DIR?.trim() || ".data/pglite") };
}

export type OpenDatabase = {
  factory: SqlMigrationAwareDriverAdapterFactory;
  close(): Promise<void>;
};

/**
 * Interactive transactions may wait up to 10 s for a connection and run for up to 30 s. Prisma's
 * defaults (2 s and 5 s) fail a request that is only slow, under load (a queue for the pool, a busy
 * CPU) or on a large account (enforcement queuing 2,000 emails), and roll its change back: the user
 * gets "Something went wrong" for work that would have finished. Found by `npm run load`.
 */
export const transactionOptions = { maxWait: 10_000, timeout: 30_000 } as const;

/**
 * PostgreSQL's own rule, whatever the server's default: after five runs of a prepared statement it
 * keeps one generic plan when that costs no more than planning each run. The second step's two
 * statements then skip planning: 2.8 ms instead of 4.2 for its whole lib path on the million-user
 * database (docs/benchmarks.md). A generic plan is made for the average parameter (an account of
 * about 100 members), so every statement that reads one account's rows is an index range whatever the
 * account, and the few whose best plan depends on the parameters run unnamed and are planned per run:
 * a new statement of that kind must carry PLANNED_PER_RUN (./statement-names).
 */
const PLAN_CACHE = "-c plan_cache_mode=auto";

/**
 * A connection is replaced after 10 minutes (when next released). Its prepared statements go with it:
 * after a migration that changes what a statement returns (a column's type, say), PostgreSQL refuses
 * the old prepared statement on every use ("cached plan must not change result type"), and a
 * connection that stays busy would never be dropped by the idle timeout alone.
 */
const CONNECTION_LIFETIME_SECONDS = 600;

/**
 * Prisma's PostgreSQL adapter for a server URL. The session TimeZone is pinned to UTC: the adapter
 * sends zone-less times and relabels the offset of the timestamptz values it reads instead of
 * converting them (prisma/orm#26786), so on a server east or west of UTC every stored time and
 * every comparison with now() would be off by the server's offset.
 *
 * A transaction-mode pooler (PgBouncer, as in Neon's and Supabase's pooled URLs) refuses that
 * start-up option. `?pgbouncer=true` on the URL (Prisma's own convention) leaves it out; the
 * database's default must then be UTC (`ALTER DATABASE … SET timezone TO 'UTC'`), which
 * `assertUtcSessions` checks when the app connects. Such a pooler also hands each transaction a
 * different server connection, where a statement prepared on another is unknown: pooled
 * connections prepare nothing, direct ones name their statements (./statement-names).
 */
export async function postgresAdapter(url: string, pool: { max?: number } = {}) {
  const { PrismaPg } = await import("@prisma/adapter-pg");
  const { connectionString, pooled } = poolerAware(url);
  if (pooled) return new PrismaPg({ connectionString, ...pool });
  const name = statementNamer();
  // `pg` treats a missing name as unnamed; the adapter's type asks for a string only.
  const statementNameGenerator = (query: { sql: string }) => name(query.sql) as string;
  const config = { ...startupOptions(connectionString), maxLifetimeSeconds: CONNECTION_LIFETIME_SECONDS };
  return new PrismaPg({ ...config, ...pool }, { statementNameGenerator });
}

/**
 * The URL's own `options=` (a search_path, say) with the app's after it, so the app's settings win:
 * `pg` lets a URL's `options` replace the ones it is given, which would silently drop the UTC pin and
 * the plan cache rule.
 */
export function startupOptions(url: string): { connectionString: string; options: string } {
  const app = `-c TimeZone=UTC ${PLAN_CACHE}`;
  const { rest, value } = takeParameter(url, "options");
  const own = value?.trim();
  return { connectionString: rest, options: own ? `${own} ${app}` : app };
}

export function poolerAware(url: string): { connectionString: string; pooled: boolean } {
  const { rest, value } = takeParameter(url, "pgbouncer");
  return { connectionString: rest, pooled: /^(true|1)$/i.test(value ?? "") };
}

/** The URL without the query parameter `name`, and its value; a URL without it is returned as it is. */
function takeParameter(url: string, name: string): { rest: string; value: string | null } {
  if (!new RegExp(`[?&]${name}=`).test(url)) return { rest: url, value: null };
  const parsed = new URL(url);
  const value = parsed.searchParams.get(name);
  parsed.searchParams.delete(name);
  return { rest: parsed.toString(), value };
}

/** The message for a session that is not in UTC, saying how to fix it. */
export function nonUtcSessionMessage(zone: string): string {
  return (
    `Twofold needs its PostgreSQL sessions in UTC, and this one is in "${zone}": stored times would be off by the zone's offset. ` +
    "Behind a transaction-mode pooler (?pgbouncer=true), set the database's default once: ALTER DATABASE <name> SET timezone TO 'UTC' (see docs/deploy.md)."
  );
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
