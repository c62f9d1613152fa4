import "server-only";
import { AuditType } from "@/lib/audit";
import { db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
// second-factor before the registry: loading the registry first runs the cycle registry → recovery
// code → mail outbox → second-factor while the registry is unfinished (its list is still undefined).
import { secondFactorsOf } from "@/lib/two-factor/second-factor";
import { factorLabel } from "@/lib/two-factor/factors";

const BATCH = 1_000;
export const MEMBERS_CSV_HEADER = [
  "name",
  "email",
  "role",
  "two_factor",
  "methods",
  "last_sign_in_utc",
  "member_since_utc",
];

/**
 * One CSV field. A leading =, +, -, @, tab or CR is defused with a quote so a spreadsheet never runs a
 * member's name as a formula (OWASP CSV injection), also behind spaces or invisible format characters
 * (a name saved before lib/plain-text.ts refused them). Quoted (RFC 4180) when it holds a comma, a quote
 * or a line break, and also a semicolon or a tab: spreadsheets in many locales split on those, and an
 * unquoted "Evil;=cmd…" would start its second cell with a formula.
 */
export function csvField(value: string | null | undefined): string {
  let text = value ?? "";
  if (/^[\p{Zs}\p{Cf}]*[=+\-@\t\r]/u.test(text)) text = `'${text}`;
  return /[",;\t\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const csvLine = (fields: (string | null)[]) => `${fields.map(csvField).join(",")}\r\n`;
const iso = (d: Date | null | undefined) => (d ? d.toISOString().replace(/\.\d{3}Z$/, "Z") : "");

type Row = { role: string; createdAt: Date; id: string; name: string; email: string };

/**
 * Every member of the account with their 2FA status, methods and last sign-in, as CSV text: the header
 * line, then one chunk of lines for each batch. Each chunk waits for a turn of the server's event loop
 * to be written, and under load a turn is long: a chunk per line took 14 s for 340 members under
 * `npm run load` (a bigger thread pool changed nothing), a chunk per batch 0.4 s. The batches are read in
 * keyset batches of one index range each ("Membership_accountId_userId_idx"), so a 100,000-member
 * account streams in constant memory and each batch costs what the first does. The key is the user
 * id, which never changes: in name order a member renamed during the export moved across the batches
 * already read and was left out or listed twice. Batches in membership id order had no index to
 * follow: each joined and sorted the rest of the account (0.1–0.7 s a batch on the million-user
 * database, docs/benchmarks.md).
 */
export async function* membersCsv(accountId: string): AsyncGenerator<string> {
  const prisma = await db();
  yield csvLine(MEMBERS_CSV_HEADER);
  let after: string | undefined;
  for (;;) {
    const rows = await prisma.$queryRaw<Row[]>`
      SELECT m."role"::text AS "role", m."createdAt", u."id", u."name", u."email"
      FROM "Membership" m JOIN "User" u ON u."id" = m."userId"
      WHERE m."accountId" = ${accountId} ${after ? Prisma.sql`AND m."userId" > ${after}` : Prisma.empty}
      ORDER BY m."userId"
      LIMIT ${BATCH}`;
    if (!rows.length) return;
    const signIns = await prisma.auditEvent.groupBy({
      by: ["subjectId"],
      where: { accountId, type: AuditType.signIn, subjectId: { in: rows.map((r) => r.id) } },
      _max: { createdAt: true },
    });
    const lastSignIn = new Map(signIns.map((s) => [s.subjectId, s._max.createdAt]));
    const factors = await secondFactorsOf(rows.map((r) => r.id));
    yield rows
      .map(({ role, createdAt, id: userId, name, email }) => {
        const kinds = factors.get(userId) ?? [];
        return csvLine([
          name,
          email,
          role,
          kinds.length ? "on" : "off",
          kinds.map(factorLabel).join("; "),
          iso(lastSignIn.get(userId)),
          iso(createdAt),
        ]);
      })
      .join("");
    after = rows.at(-1)!.id;
  }
}
