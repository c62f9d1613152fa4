import { canManage, membershipOf } from "@/lib/accounts/current";
import { membersCsv } from "@/lib/accounts/members-csv";
import { currentUser } from "@/lib/auth/session";

export const dynamic = "force-dynamic";

/**
 * The members of the account named by `?account=` (the Users page's link names the account it showed,
 * not the account cookie another tab may have switched), for its owners and admins; anyone else, and
 * a link naming no account or one the user does not manage, gets a 404.
 */
export async function GET(request: Request) {
  const user = await currentUser();
  const accountId = new URL(request.url).searchParams.get("account");
  const membership = user && accountId && (await membershipOf(user.id, accountId));
  if (!membership || !canManage(membership.role)) return new Response("Not found", { status: 404 });
  const chunks = membersCsv(membership.account.id);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await chunks.next();
      if (done) controller.close();
      else controller.enqueue(encoder.encode(value));
    },
    // The download was dropped: read no more batches.
    cancel() {
      void chunks.return(undefined);
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
