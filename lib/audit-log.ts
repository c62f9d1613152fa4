import "server-only";
import { AuditType } from "@/lib/audit";
import { db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { encodeCursor, keysetFrom, pageOf } from "@/lib/keyset-cursor";

export const AUDIT_PAGE_SIZE = 50;
export const auditTypes = Object.values(AuditType);

type Row = {
  id: string;
  type: string;
  ip: string | null;
  actorId: string | null;
  subjectId: string | null;
  details: unknown;
  createdAt: Date;
};

/**
 * The account's security events, newest first, with actor and subject emails resolved. Keyset pages on
 * (createdAt, id), the order of the index "AuditEvent_accountId_createdAt_id_idx" (and of its twin
 * with the type), so the 10,000th page costs what the first does. `after` continues to older events,
 * `before` back to newer ones; a cursor that cannot be read starts over (`invalidCursor`).
 */
export async function listAuditEvents(
  accountId: string,
  options: { type?: string; after?: string; before?: string } = {},
) {
  const prisma = await db();
  const type = options.type && (auditTypes as string[]).includes(options.type) ? options.type : undefined;
  const { keyset: parsed, invalid } = keysetFrom(options, 2);
  const at = parsed ? new Date(parsed.key[0]!) : null;
  // Only instants PostgreSQL can hold and an event can have (a year 0 or 4713 BC cursor is an edited link).
  const keyset = parsed && at && at.getTime() >= 0 && at.getUTCFullYear() <= 9999 ? parsed : null;
  const older = keyset?.direction !== "before";
  const position = keyset
    ? older
      ? Prisma.sql`AND ("createdAt", "id") < (${at}, ${keyset.key[1]})`
      : Prisma.sql`AND ("createdAt", "id") > (${at}, ${keyset.key[1]})`
    : Prisma.empty;
  const order = older ? Prisma.sql`DESC` : Prisma.sql`ASC`;
  const rows = await prisma.$queryRaw<Row[]>`
    SELECT "id", "type", "ip", "actorId", "subjectId", "details", "createdAt" FROM "AuditEvent"
    WHERE "accountId" = ${accountId} ${type ? Prisma.sql`AND "type" = ${type}` : Prisma.empty} ${position}
    ORDER BY "createdAt" ${order}, "id" ${order}
    LIMIT ${AUDIT_PAGE_SIZE + 1}`;
  const page = pageOf(rows, AUDIT_PAGE_SIZE, keyset);
  const events = page.rows;
  const ids = [...new Set(events.flatMap((e) => [e.actorId, e.subjectId]).filter((id): id is string => !!id))];
  const users = new Map(
    (await prisma.user.findMany({ where: { id: { in: ids } }, select: { id: true, email: true } })).map((u) => [
      u.id,
      u.email,
    ]),
  );
  const cursor = (e: Row | undefined) => (e ? encodeCursor([e.createdAt.toISOString(), e.id]) : null);
  return {
    type,
    invalidCursor: invalid || (parsed !== null && keyset === null),
    newer: page.hasPrevious ? cursor(events[0]) : null,
    older: page.hasNext ? cursor(events.at(-1)) : null,
    events: events.map((e) => ({
      id: e.id,
      type: e.type,
      at: e.createdAt,
      ip: e.ip,
      actor: e.actorId ? (users.get(e.actorId) ?? "deleted user") : null,
      subject: e.subjectId ? (users.get(e.subjectId) ?? "deleted user") : null,
      details: e.details as Record<string, unknown> | null,
    })),
  };
}
