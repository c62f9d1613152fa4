import "server-only";
import { db } from "@/lib/db";
import { PLANNED_PER_RUN } from "@/lib/db/statement-names";
import { Prisma } from "@/lib/generated/prisma/client";
import type { Role } from "@/lib/generated/prisma/enums";
import { encodeCursor, keysetFrom, pageOf } from "@/lib/keyset-cursor";
import { prefixRange } from "@/lib/accounts/prefix-range";
import { NOT_PLAIN_TEXT } from "@/lib/plain-text";
import { factorLabel } from "@/lib/two-factor/factors";
import { secondFactorsOf } from "@/lib/two-factor/second-factor";

export const MEMBERS_PAGE_SIZE = 50;
export const MAX_SEARCH = 100;
/** Filtered and searched lists count this far and then say "more than". */
export const COUNT_LIMIT = 10_000;

// Sorted by lower-cased name in byte order, then user id (one membership per user and account, so the
// key is unique). The key is the membership's copy of its user's lower-cased name, "C"-collated as in
// "Membership_name_idx" and "Membership_without_second_factor_idx" (migrations), so a page, a Next
// and a name prefix (./prefix-range) are each one range of the account's members.
// Walking the users' name index for them instead read 489 users for a page of 51 members of the big
// account, and 111,000 for a page of "Without 2FA" once most members had 2FA (docs/benchmarks.md).
const byName = {
  order: "name",
  key: Prisma.sql`(m."nameKey" COLLATE "C")`,
  id: Prisma.sql`m."userId"`,
  planning: Prisma.empty,
};
// An email search lists in email order: its matches are one range of "User_email_prefix_idx" then.
// In name order PostgreSQL may walk the name index and filter on the email instead, which it prices
// as cheap; but emails start with the name, so "eve.ba" matched nobody before the users named Eve,
// and that walk took 0.9–1.7 s on a million users (docs/benchmarks.md).
// Its best plan depends on the account's size (walk the emails and probe the memberships, or take the
// account's members and sort them), so it is planned per run, never by a generic plan.
const byEmail = {
  order: "email",
  key: Prisma.sql`(lower(u."email") COLLATE "C")`,
  id: Prisma.sql`u."id"`,
  planning: Prisma.raw(PLANNED_PER_RUN),
};

export type MemberListOptions = {
  withoutTwoFactor?: boolean;
  search?: string;
  after?: string;
  before?: string;
};

type Row = { membershipId: string; role: Role; id: string; name: string; email: string; key: string };

/**
 * A term with "@" or "." searches emails, any other term names. One index range each: a condition
 * "name OR email" cannot be an index range in name order, and walking the name index through a
 * million users for it took seconds (docs/benchmarks.md).
 */
export const searchesEmail = (term: string) => /[@.]/.test(term);

/** Keys that start with `term`: one index range, whatever the term (./prefix-range says why not LIKE). */
function keyStartsWith(key: Prisma.Sql, term: string) {
  const { from, below } = prefixRange(term);
  return below === null ? Prisma.sql`${key} >= ${from}` : Prisma.sql`${key} >= ${from} AND ${key} < ${below}`;
}

/**
 * `text` lower-cased by the database, as it lowers the names and emails it compares it with. Not
 * JavaScript's toLowerCase: PostgreSQL's lower() makes "İ" "i" where JavaScript makes "i̇", and a
 * server whose LC_CTYPE is "C" lowers ASCII letters only.
 */
async function lowerInDatabase(text: string): Promise<string> {
  const prisma = await db();
  const [row] = await prisma.$queryRaw<{ lowered: string }[]>`SELECT lower(${text}::text) AS "lowered"`;
  return row!.lowered;
}

/**
 * One page of an account's members by name (by email for an email search), with their 2FA methods: keyset pagination, so any page
 * costs one index range scan (a 100,000-member account included). `search` matches the start of the
 * name or of the email, case-insensitively. A cursor that cannot be read starts over at the first page
 * (`invalidCursor`); a search that is too long lists nothing and says why (`problem`).
 */
export async function listMembers(accountId: string, options: MemberListOptions = {}) {
  const search = (options.search ?? "").trim();
  if (search.length > MAX_SEARCH) {
    return empty(search, `Search for at most ${MAX_SEARCH} characters.`);
  }
  // Control characters, and lone surrogates, which the driver would send as U+FFFD and so search for
  // a character nobody typed.
  if (NOT_PLAIN_TEXT.test(search))
    return empty(
      search.replace(new RegExp(NOT_PLAIN_TEXT, "gu"), ""),
      "Search for letters, digits or an email address.",
    );
  const term = search ? await lowerInDatabase(search) : "";
  const sort = search && searchesEmail(search) ? byEmail : byName;
  const { key, id } = sort;
  // A cursor says which order it continues, and a search's cursor is a row it matched, so its key
  // starts with the term. One that does neither was made for another list (a name cursor in an email
  // search, an edited link): start over.
  const read = keysetFrom(options, 3);
  const [cursorOrder, cursorKey, cursorId] = read.keyset?.key ?? [];
  const foreign = Boolean(read.keyset && (cursorOrder !== sort.order || !cursorKey!.startsWith(term)));
  const keyset = foreign ? null : read.keyset;
  const invalid = read.invalid || foreign;
  const conditions = [Prisma.sql`m."accountId" = ${accountId}`];
  if (options.withoutTwoFactor) conditions.push(Prisma.sql`NOT m."hasSecondFactor"`);
  if (term) conditions.push(keyStartsWith(key, term));
  const filter = Prisma.join(conditions, " AND ");
  const before = keyset?.direction === "before";
  const after = keyset
    ? before
      ? Prisma.sql`AND (${key}, ${id}) < (${cursorKey}, ${cursorId})`
      : Prisma.sql`AND (${key}, ${id}) > (${cursorKey}, ${cursorId})`
    : Prisma.empty;
  const order = before ? Prisma.sql`DESC` : Prisma.sql`ASC`;
  const prisma = await db();
  const [rows, total] = await Promise.all([
    prisma.$queryRaw<Row[]>`
      SELECT m."id" AS "membershipId", m."role"::text AS "role", u."id", u."name", u."email", ${key} AS "key"
      FROM "Membership" m JOIN "User" u ON u."id" = m."userId"
      WHERE ${filter} ${after}
      ORDER BY ${key} ${order}, ${id} ${order} ${sort.planning}
      LIMIT ${MEMBERS_PAGE_SIZE + 1}`,
    search ? null : countMembers(accountId, options.withoutTwoFactor ?? false),
  ]);
  const page = pageOf(rows, MEMBERS_PAGE_SIZE, keyset);
  const factors = await secondFactorsOf(page.rows.map((r) => r.id));
  const members = page.rows.map(({ membershipId, role, id, name, email }) => {
    const methods = (factors.get(id) ?? []).map(factorLabel);
    return { membershipId, role, id, name, email, twoFactor: methods.length > 0, methods };
  });
  const first = page.rows[0];
  const last = page.rows.at(-1);
  return {
    members,
    total: total?.total ?? null,
    totalIsLowerBound: total?.totalIsLowerBound ?? false,
    search,
    invalidCursor: invalid,
    problem: null as string | null,
    next: page.hasNext && last ? encodeCursor([sort.order, last.key, last.id]) : null,
    previous: page.hasPrevious && first ? encodeCursor([sort.order, first.key, first.id]) : null,
  };
}

/**
 * Counts up to COUNT_LIMIT and then says "more than": an exact count of a 100,000-member account costs
 * more than the page itself. A search is not counted (its matches can be most of the account).
 * "Without 2FA" counts one range of its partial index, whatever the size of "User" and wherever the
 * members' rows lie.
 */
async function countMembers(accountId: string, withoutTwoFactor: boolean) {
  const prisma = await db();
  const onlyWithout = withoutTwoFactor ? Prisma.sql`AND NOT "hasSecondFactor"` : Prisma.empty;
  const [row] = await prisma.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM (
      SELECT 1 FROM "Membership" WHERE "accountId" = ${accountId} ${onlyWithout} LIMIT ${COUNT_LIMIT + 1}) c`;
  const n = row?.n ?? 0;
  return { total: Math.min(n, COUNT_LIMIT), totalIsLowerBound: n > COUNT_LIMIT };
}

function empty(search: string, problem: string) {
  return {
    members: [] as (Omit<Row, "key"> & { twoFactor: boolean; methods: string[] })[],
    total: null as number | null,
    totalIsLowerBound: false,
    search,
    invalidCursor: false,
    problem: problem as string | null,
    next: null as string | null,
    previous: null as string | null,
  };
}
