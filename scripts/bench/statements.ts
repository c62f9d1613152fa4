// SQL statements per accepted code, measured: PostgreSQL's pg_stat_statements (loaded by the bench's
// server) is reset, `times` accepted codes are sent one after another, and every statement run in
// the database meanwhile is counted (BEGIN and COMMIT included). Anything the server ran on its own
// in that time (a background job) shows up as a fraction per code in the list.
import { db } from "../../lib/db";

export type StatementCount = { perCode: number; statements: { query: string; perCode: number }[] };

export async function enableStatementCounts(): Promise<void> {
  const prisma = await db();
  await prisma.$executeRawUnsafe("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
}

export async function countStatements(times: number, send: (i: number) => Promise<void>): Promise<StatementCount> {
  const prisma = await db();
  await prisma.$queryRawUnsafe("SELECT pg_stat_statements_reset()");
  for (let i = 0; i < times; i++) await send(i);
  const rows = await prisma.$queryRawUnsafe<{ query: string; calls: bigint }[]>(
    `SELECT query, calls FROM pg_stat_statements
     WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
       AND query NOT ILIKE '%pg_stat_statements%' ORDER BY calls DESC, query`,
  );
  const statements = rows.map((r) => ({
    query: r.query.replace(/\s+/g, " ").slice(0, 140),
    perCode: Number(r.calls) / times,
  }));
  return { perCode: statements.reduce((sum, s) => sum + s.perCode, 0), statements };
}
