// A named statement is parsed and analysed once per connection, and only planned on each run (see
// CUSTOM_PLANS in ./connection). Measured on the second step's claim statement, in-process: 0.58 ms
// named, 0.84 ms unnamed through Prisma (docs/benchmarks.md). `pg` keeps a connection's prepared
// statements for the connection's lifetime and has no way to drop one, so the names must stay few:
// - a text with a list of parameters (`IN ($1,$2,…)`, `VALUES (…), (…)`) is one text per list
//   length, up to Prisma's 1,000-item batches, so it runs unnamed;
// - past `limit` distinct texts, every new one runs unnamed too.
// The integration suite runs about 370 distinct texts of the other kind, its own set-up included.

export const NAMED_STATEMENT_LIMIT = 500;

// `IN ($1,$2`, `in ($1::text, $2`, Prisma's enum lists `IN (CAST($1::text AS "public"."Role"),CAST(…`,
// and the second row of a multi-row VALUES.
const PARAMETER_LIST = /\bIN \(\s*(?:CAST\()?\$\d+(?:::[\w".]+)?(?:\s+AS\s+[\w".]+\))?\s*,|\),\s*\(\s*\$/i;

/** One namer per connection pool: the same text always gets the same name, and no name two texts. */
export function statementNamer(limit = NAMED_STATEMENT_LIMIT): (sql: string) => string | undefined {
  const names = new Map<string, string>();
  return (sql) => {
    const known = names.get(sql);
    if (known !== undefined || names.size >= limit || PARAMETER_LIST.test(sql)) return known;
    const name = `twofold_${names.size + 1}`;
    names.set(sql, name);
    return name;
  };
}
