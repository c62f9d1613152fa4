import "server-only";
import { AuditType } from "@/lib/audit";
import { db } from "@/lib/db";
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
 * One CSV field. Quoted when needed (RFC 4180), and a leading =, +, -, @, tab or CR is defused with a
 * quote so a spreadsheet never runs a member's name as a formula (OWASP CSV injection).
 */
export function csvField(value: string | null | undefined): string {
  let text = value ?? "";
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const csvLine = (fields: (string | null)[]) => `${fields.map(csvField).join(",")}\r\n`;
const iso = (d: Date | null | undefined) => (d ? d.toISOString().replace(/\.\d{3}Z$/, "Z") : "");

/**
 * Every member of the account with their 2FA status, methods and last sign-in, as CSV lines, read in
 * keyset batches so a 100,000-member account streams in constant memory.
 */
export async function* membersCsv(accountId: string): AsyncGenerator<string> {
  const prisma = await db();
  yield csvLine(MEMBERS_CSV_HEADER);
  let after: string | undefined;
  for (;;) {
    const rows = await prisma.membership.findMany({
      where: { accountId, ...(after ? { id: { gt: after } } : {}) },
      orderBy: { id: "asc" },
      take: BATCH,
      select: {
        id: true,
        role: true,
        createdAt: true,
        user: { select: { id: true, name: true, email: true } },
      },
    });
    if (!rows.length) return;
    const signIns = await prisma.auditEvent.groupBy({
      by: ["subjectId"],
      where: { accountId, type: AuditType.signIn, subjectId: { in: rows.map((r) => r.user.id) } },
      _max: { createdAt: true },
    });
    const lastSignIn = new Map(signIns.map((s) => [s.subjectId, s._max.createdAt]));
    const factors = await secondFactorsOf(rows.map((r) => r.user.id));
    for (const { role, createdAt, user } of rows) {
      const kinds = factors.get(user.id) ?? [];
      yield csvLine([
        user.name,
        user.email,
        role,
        kinds.length ? "on" : "off",
        kinds.map(factorLabel).join("; "),
        iso(lastSignIn.get(user.id)),
        iso(createdAt),
      ]);
    }
    after = rows.at(-1)!.id;
  }
}
