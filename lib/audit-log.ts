import "server-only";
import { AuditType } from "@/lib/audit";
import { db } from "@/lib/db";

export const AUDIT_PAGE_SIZE = 50;
export const auditTypes = Object.values(AuditType);

/** The account's security events, newest first, with actor and subject emails resolved. */
export async function listAuditEvents(accountId: string, options: { type?: string; page?: number } = {}) {
  const prisma = await db();
  const type = options.type && (auditTypes as string[]).includes(options.type) ? options.type : undefined;
  const where = { accountId, ...(type ? { type } : {}) };
  const page = Math.max(1, options.page ?? 1);
  const [total, events] = await Promise.all([
    prisma.auditEvent.count({ where }),
    prisma.auditEvent.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (page - 1) * AUDIT_PAGE_SIZE,
      take: AUDIT_PAGE_SIZE,
    }),
  ]);
  const ids = [...new Set(events.flatMap((e) => [e.actorId, e.subjectId]).filter((id): id is string => !!id))];
  const users = new Map(
    (await prisma.user.findMany({ where: { id: { in: ids } }, select: { id: true, email: true } })).map((u) => [
      u.id,
      u.email,
    ]),
  );
  return {
    type,
    page,
    pages: Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE)),
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
