// A named statement is parsed and analysed once per connection, and after five runs PostgreSQL may
// keep one generic plan for it instead of planning each run (PLAN_CACHE in ./connection). Measured on
// the second step's claim statement, in-process: 0.58 ms named, 0.84 ms unnamed through Prisma, when
// each run was still planned (docs/benchmarks.md). `pg` keeps a connection's prepared
// statements for the connection's lifetime and has no way to drop one, so the names must stay few:
// - a text with a list of parameters (`IN ($1,$2,…)`, `VALUES (…), (…)`) is one text per list
//   length, up to Prisma's 1,000-item batches, so it runs unnamed;
// - past `limit` distinct texts, every new one runs unnamed too.
// The integration suite runs about 370 distinct texts of the other kind, its own set-up included.

export const NAMED_STATEMENT_LIMIT = 500;

/**
 * Put in a statement's text (a SQL comment) when its best plan depends on its parameters beyond what
 * one plan can serve, such as an account's size: it then runs unnamed, and PostgreSQL plans every run
 * for its own parameters. The members' email search is one (a generic plan made for an account of 100
 * members took 270 ms on the 100,000-member one, docs/benchmarks.md).
 */
export const PLANNED_PER_RUN = "/* planned per run */";

// `IN ($1,$2`, `in ($1::text, $2`, Prisma's enum lists `IN (CAST($1::text AS "public"."Role"),CAST(…`,
// and the second row of a multi-row VALUES.
const PARAMETER_LIST = /\bIN \(\s*(?:CAST\()?\$\d+(?:::[\w".]+)?(?:\s+AS\s+[\w".]+\))?\s*,|\),\s*\(\s*\$/i;

/** One namer per connection pool: the same text always gets the same name, and no name two texts. */
export function statementNamer(limit = NAMED_STATEMENT_LIMIT): (sql: string) => string | undefined {
  const names = new Map<string, string>();
  return (sql) => {
    const known = names.get(sql);
    if (known !== undefined || names.size >= limit || PARAMETER_LIST.test(sql) || sql.includes(PLANNED_PER_RUN))
      return known;
    const name = `twofold_${names.size + 1}`;
    names.set(sql, name);
    return name;
  };
}
