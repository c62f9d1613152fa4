import { canManage, currentMembership } from "@/lib/accounts/current";
import { membersCsv } from "@/lib/accounts/members-csv";
import { currentUser } from "@/lib/auth/session";

export const dynamic = "force-dynamic";

/** The current account's members as CSV, for owners and admins; anyone else gets a 404. */
export async function GET() {
  const user = await currentUser();
  const membership = user && (await currentMembership(user.id));
  if (!membership || !canManage(membership.role)) return new Response("Not found", { status: 404 });
  const lines = membersCsv(membership.account.id);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await lines.next();
      if (done) controller.close();
      else controller.enqueue(encoder.encode(value));
    },
  });
  const day = new Date().toISOString().slice(0, 10);
  return new Response(body, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="members-${day}.csv"`,
      "cache-control": "no-store",
    },
  });
}
