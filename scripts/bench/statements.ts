// SQL statements per accepted code, measured: PostgreSQL's pg_stat_statements (loaded by the bench's
// server) is reset, `times` accepted codes are sent one after another, and every statement run in
// the database meanwhile is counted (BEGIN and COMMIT included). Anything the server ran on its own
// in that time (a background job) shows up as a fraction per code in the list. The count is of the
// statements sent (top level, what PostgreSQL's statement log shows); the queries PostgreSQL runs
// inside one of them (a foreign key's check on an INSERT) are listed apart, not counted.
import { db } from "../../lib/db";

export type StatementCount = {
  perCode: number;
  statements: { query: string; perCode: number; nested: boolean }[];
};

export async function enableStatementCounts(): Promise<void> {
  const prisma = await db();
  await prisma.$executeRawUnsafe("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
}

/** The statements run in the app's database, not the bench's own reads of the statistics. */
const OWN_STATEMENTS = `dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
       AND query NOT ILIKE '%pg_stat_statements%'`;

export async function countStatements(times: number, send: (i: number) => Promise<void>): Promise<StatementCount> {
  const prisma = await db();
  await resetStatementTimes();
  for (let i = 0; i < times; i++) await send(i);
  const rows = await prisma.$queryRawUnsafe<{ query: string; calls: bigint; toplevel: boolean }[]>(
    `SELECT query, calls, toplevel FROM pg_stat_statements WHERE ${OWN_STATEMENTS}
     ORDER BY toplevel DESC, calls DESC, query`,
  );
  const statements = rows.map((r) => ({
    query: r.query.replace(/\s+/g, " ").slice(0, 140),
    perCode: Number(r.calls) / times,
    nested: !r.toplevel,
  }));
  const sent = statements.filter((s) => !s.nested);
  return { perCode: sent.reduce((sum, s) => sum + s.perCode, 0), statements };
}

/**
 * `plans` counts the times PostgreSQL planned the statement: a prepared statement that keeps its generic
 * plan is planned a few times per connection, not per call, so pg_stat_statements' mean planning time
 * (per plan) is not a cost per call; `planPerCallMs` is.
 */
export type StatementTime = {
  query: string;
  calls: number;
  plans: number;
  planMs: number;
  planPerCallMs: number;
  execMs: number;
};

/** Empties pg_stat_statements: counts and times start again from here. */
export async function resetStatementTimes(): Promise<void> {
  await (await db()).$queryRawUnsafe("SELECT pg_stat_statements_reset()");
}

/** PostgreSQL's own planning and execution time of each statement run at least `minCalls` times since the reset. */
export async function statementTimes(minCalls: number): Promise<StatementTime[]> {
  const rows = await (
    await db()
  ).$queryRawUnsafe<{ query: string; calls: bigint; plans: bigint; plan: number; planTotal: number; exec: number }[]>(
    `SELECT query, calls, plans, mean_plan_time AS plan, total_plan_time AS "planTotal", mean_exec_time AS exec
     FROM pg_stat_statements
     WHERE ${OWN_STATEMENTS} AND calls >= $1 ORDER BY calls DESC, query`,
    minCalls,
  );
  return rows.map((r) => ({
    query: r.query.replace(/\s+/g, " ").slice(0, 100),
    calls: Number(r.calls),
    plans: Number(r.plans),
    planMs: r.plan,
    planPerCallMs: r.planTotal / Number(r.calls),
    execMs: r.exec,
  }));
}
