// What `npm run db:reset` would drop, and whether it may: the embedded database and a PostgreSQL
// server on this machine, yes; any other server only with `--yes-really-drop <database name>`, so
// a DATABASE_URL left pointing at production is never emptied by a habit typed in the wrong shell.
import { parse } from "pg-connection-string";
import type { DatabaseTarget } from "./connection";

export type ResetPlan = { allowed: boolean; description: string; refusal?: string };

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "::1", "[::1]"]);

/** Host and database as `pg` will use them (PGHOST, PGDATABASE and the user name fill gaps). */
export function postgresTarget(url: string, env: Record<string, string | undefined> = process.env) {
  const options = parse(url);
  const host = options.host || env.PGHOST || "localhost";
  const database = options.database || env.PGDATABASE || options.user || env.PGUSER || "postgres";
  return { host, port: options.port || env.PGPORT || "5432", database };
}

/** A Unix socket (a path) or a loopback address: a server on this machine. */
export function isLocalHost(host: string): boolean {
  return host.startsWith("/") || LOCAL_HOSTS.has(host.toLowerCase()) || /^127(\.\d{1,3}){3}$/.test(host);
}

/** The confirmation from the command line: `--yes-really-drop <name>` or `--yes-really-drop=<name>`. */
export function confirmedName(args: string[]): string | undefined {
  const i = args.findIndex((a) => a === "--yes-really-drop" || a.startsWith("--yes-really-drop="));
  if (i < 0) return undefined;
  const arg = args[i]!;
  return arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : args[i + 1];
}

export function resetPlan(
  target: DatabaseTarget,
  args: string[],
  env: Record<string, string | undefined> = process.env,
): ResetPlan {
  if (target.kind === "pglite") return { allowed: true, description: `the embedded database in ${target.dir}` };
  const { host, port, database } = postgresTarget(target.url, env);
  const description = `every table in database "${database}" on ${host}:${port} (schema public, dropped and created again)`;
  if (isLocalHost(host)) return { allowed: true, description };
  const confirmed = confirmedName(args);
  if (confirmed === database) return { allowed: true, description };
  const refusal =
    (confirmed === undefined
      ? `${host} is not on this machine.`
      : `--yes-really-drop names "${confirmed}", not "${database}".`) +
    ` To drop it anyway: npm run db:reset -- --yes-really-drop ${database}`;
  return { allowed: false, description, refusal };
}
