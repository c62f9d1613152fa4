import Link from "next/link";
import { Card } from "@/components/ui/card";
import { auditTypes, listAuditEvents } from "@/lib/audit-log";
import { auditTitle, describeAuditEvent } from "@/lib/audit-words";
import { requireAccountAdmin } from "@/lib/auth/session";
import { PageTitle } from "@/components/ui/page-title";

export default async function AuditPage({
  searchParams,
}: {
  searchParams: Promise<{ type?: string; after?: string; before?: string }>;
}) {
  const { membership } = await requireAccountAdmin();
  const params = await searchParams;
  const one = (v: unknown) => (typeof v === "string" ? v : undefined); // ?type=a&type=b gives an array
  const log = await listAuditEvents(membership.account.id, {
    type: one(params.type),
    after: one(params.after),
    before: one(params.before),
  });
  const href = (cursor: { after?: string; before?: string }) =>
    `/settings/audit?${new URLSearchParams({ ...(log.type ? { type: log.type } : {}), ...cursor })}`;
  return (
    <div className="flex flex-col gap-6">
      <PageTitle>Audit log</PageTitle>
      <h1 className="text-2xl font-semibold">Audit log</h1>
      <Card title="Security events" description={`Newest first, for ${membership.account.name}.`}>
        <form method="get" className="mb-4 flex flex-wrap items-end gap-2 text-sm">
          <label className="flex flex-col gap-1">
            <span className="font-medium">Event</span>
            <select
              name="type"
              defaultValue={log.type ?? ""}
              className="rounded-md border border-slate-300 bg-white px-2 py-1"
            >
              <option value="">All events</option>
              {auditTypes.map((t) => (
                <option key={t} value={t}>
                  {auditTitle(t)}
                </option>
              ))}
            </select>
          </label>
          <button className="rounded-md border border-slate-300 bg-white px-3 py-1 font-medium">Filter</button>
        </form>
        <div className="overflow-x-auto" tabIndex={0} role="region" aria-label="Security events table">
          <table className="w-full text-left text-sm">
            <thead className="border-b border-slate-200 text-slate-600">
              <tr>
                {["Time (UTC)", "Event", "Actor", "Subject", "IP"].map((h) => (
                  <th key={h} scope="col" className="py-2 pr-3 font-medium">
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {log.events.map((e) => {
                const { title, sentence } = describeAuditEvent(e.type, e.details);
                return (
                  <tr key={e.id} className="border-b border-slate-100 align-top">
                    <td className="py-2 pr-3 whitespace-nowrap">{e.at.toISOString().replace("T", " ").slice(0, 19)}</td>
                    <td className="py-2 pr-3">
                      <span className="font-medium">{title}</span>
                      {sentence && <span className="block break-words text-slate-700">{sentence}</span>}
                      <code className="block text-xs text-slate-500">{e.type}</code>
                    </td>
                    <td className="py-2 pr-3 break-all">{e.actor ?? "—"}</td>
                    <td className="py-2 pr-3 break-all">{e.subject ?? "—"}</td>
                    <td className="py-2 pr-3">{e.ip ?? "—"}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        {log.events.length === 0 && <p className="py-4 text-sm text-slate-600">No events.</p>}
        {log.invalidCursor && (
          <p role="alert" className="mt-4 text-sm text-red-700">
            That page link is out of date; showing the newest events.
          </p>
        )}
        {(log.newer || log.older) && (
          <nav aria-label="Pages" className="mt-4 flex items-center gap-4 text-sm">
            {log.newer && (
              <Link className="underline" href={href({ before: log.newer })}>
                Newer
              </Link>
            )}
            {log.older && (
              <Link className="underline" href={href({ after: log.older })}>
                Older
              </Link>
            )}
          </nav>
        )}
      </Card>
    </div>
  );
}
