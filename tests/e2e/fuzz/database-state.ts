// What the fuzz test compares before and after: every table's row count and a checksum of its rows.
// Append-only logs may gain rows, but the rows they had must be unchanged; counters are skipped.
import pg from "pg";

export type TableState = { rows: number; checksum: string; ids?: string[] };
export type DatabaseState = Record<string, TableState>;

export type Policy = {
  /** Tables that may gain rows (each refused request can be recorded) but never change old ones. */
  appendOnly: string[];
  /** Tables left out, each for a stated reason. */
  skipped: string[];
  /** Columns left out of a table's checksum: activity stamps a visit may move, each for a stated reason. */
  activity?: Record<string, string[]>;
};

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

async function tables(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
  );
  return rows.map((r) => r.name);
}

async function checksum(client: pg.Client, table: string, ignored: string[], ids?: string[]) {
  const where = ids ? "WHERE t.id = ANY($2)" : "";
  const { rows } = await client.query<{ rows: number; checksum: string }>(
    `SELECT count(*)::int AS rows, md5(coalesce(string_agg(r, E'\\n' ORDER BY r), '')) AS checksum
       FROM (SELECT (to_jsonb(t) - $1::text[])::text AS r FROM ${quote(table)} t ${where}) s`,
    ids ? [ignored, ids] : [ignored],
  );
  return rows[0]!;
}

export async function databaseState(url: string, policy: Policy): Promise<DatabaseState> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const state: DatabaseState = {};
    for (const table of await tables(client)) {
      if (policy.skipped.includes(table)) continue;
      const { rows, checksum: sum } = await checksum(client, table, policy.activity?.[table] ?? []);
      const ids = policy.appendOnly.includes(table)
        ? (await client.query<{ id: string }>(`SELECT id FROM ${quote(table)}`)).rows.map((r) => r.id)
        : undefined;
      state[table] = { rows, checksum: sum, ids };
    }
    return state;
  } finally {
    await client.end();
  }
}

/** The differences from `before`: a changed table, or an append-only table whose earlier rows changed. */
export async function changesSince(url: string, before: DatabaseState, policy: Policy): Promise<string[]> {
  const after = await databaseState(url, policy);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const changes: string[] = [];
    for (const [table, was] of Object.entries(before)) {
      const now = after[table];
      if (!now) changes.push(`${table}: gone`);
      else if (was.ids) {
        const earlier = await checksum(client, table, policy.activity?.[table] ?? [], was.ids);
        if (earlier.rows !== was.rows || earlier.checksum !== was.checksum)
          changes.push(`${table}: earlier rows changed or deleted`);
      } else if (now.rows !== was.rows || now.checksum !== was.checksum)
        changes.push(`${table}: ${was.rows} → ${now.rows} rows, checksum ${was.checksum} → ${now.checksum}`);
    }
    for (const table of Object.keys(after)) if (!before[table]) changes.push(`${table}: new table`);
    return changes;
  } finally {
    await client.end();
  }
}
