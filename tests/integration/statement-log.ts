// Which SQL statements a piece of work sends to the database, as the driver sends them: on
// PostgreSQL every `pg` client query (one round trip each, BEGIN and COMMIT included), on PGlite
// every query, exec and transaction boundary. Nothing else may use the database meanwhile.
import { backend } from "./database";

function patch<T extends object, K extends keyof T>(target: T, key: K, wrap: (original: T[K]) => T[K]) {
  const original = target[key];
  target[key] = wrap(original);
  return () => void (target[key] = original);
}

const textOf = (query: unknown) =>
  typeof query === "string" ? query : String((query as { text?: string } | null)?.text ?? "?");

async function pgPatch(log: string[]): Promise<() => void> {
  const { default: pg } = await import("pg");
  type Query = (this: unknown, ...args: unknown[]) => unknown;
  const proto = pg.Client.prototype as unknown as { query: Query };
  return patch(
    proto,
    "query",
    (original) =>
      function (this: unknown, ...args: unknown[]) {
        log.push(textOf(args[0]));
        return original.apply(this, args);
      },
  );
}

async function pglitePatch(log: string[]): Promise<() => void> {
  const { PGlite } = await import("@electric-sql/pglite");
  type Fn = (this: unknown, ...args: unknown[]) => Promise<unknown>;
  type Tx = { query: Fn; exec: Fn; rollback: () => Promise<void> };
  const proto = PGlite.prototype as unknown as { query: Fn; exec: Fn; transaction: Fn };
  const counted = (original: Fn): Fn =>
    function (this: unknown, ...args: unknown[]) {
      log.push(textOf(args[0]));
      return original.apply(this, args);
    };
  const restores: Array<() => void> = [
    patch(proto, "query", counted),
    patch(proto, "exec", counted),
    patch(
      proto,
      "transaction",
      (original) =>
        async function (this: unknown, callback: unknown) {
          log.push("BEGIN");
          let rolledBack = false;
          const wrapped = (tx: Tx) =>
            (callback as (tx: Tx) => Promise<unknown>)({
              ...tx,
              query: counted(tx.query),
              exec: counted(tx.exec),
              rollback: async () => {
                rolledBack = true;
                log.push("ROLLBACK");
                await tx.rollback();
              },
            });
          try {
            return await original.call(this, wrapped);
          } finally {
            if (!rolledBack) log.push("COMMIT");
          }
        },
    ),
  ];
  return () => restores.forEach((restore) => restore());
}

/** The rate limiter's purge of expired rows, which one call in a hundred adds (lib/rate-limit.ts). */
const occasionalPurge = /^DELETE FROM "RateLimit" WHERE "expiresAt" < now\(\)$/;

/**
 * Runs `work` and returns the statements it sent, in order, leaving out the rate limiter's occasional
 * purge so that a count does not change one run in a hundred.
 */
export async function statementsOf<T>(work: () => Promise<T>): Promise<{ value: T; statements: string[] }> {
  const log: string[] = [];
  const restore = backend === "postgres" ? await pgPatch(log) : await pglitePatch(log);
  try {
    const value = await work();
    return { value, statements: log.map((text) => text.trim()).filter((text) => !occasionalPurge.test(text)) };
  } finally {
    restore();
  }
}
