import Link from "next/link";
import { Card } from "@/components/ui/card";
import { InviteForm, PendingInvitations } from "@/components/settings/invitations";
import { MemberRow } from "@/components/settings/member-row";
import { pendingInvitations } from "@/lib/accounts/invitations";
import { listMembers } from "@/lib/accounts/members";
import { requireAccountAdmin } from "@/lib/auth/session";
import { invite, remove, resendInvite, resetTwoFactor, revokeInvite, setRole } from "./actions";
import { PageTitle } from "@/components/ui/page-title";

type Params = { filter?: string; page?: string };

export default async function UsersPage({ searchParams }: { searchParams: Promise<Params> }) {
  const { user, membership } = await requireAccountAdmin();
  const params = await searchParams;
  const withoutTwoFactor = params.filter === "without-2fa";
  const page = Math.min(10_000, Math.max(1, Number.parseInt(params.page ?? "1", 10) || 1));
  const [list, invitations] = await Promise.all([
    listMembers(membership.account.id, { withoutTwoFactor, page }),
    pendingInvitations(membership.account.id),
  ]);
  const href = (p: Params) =>
    `/settings/users?${new URLSearchParams(Object.entries(p).filter(([, v]) => v) as [string, string][])}`;
  return (
    <div className="flex flex-col gap-6">
      <PageTitle>User Management</PageTitle>
      <h1 className="text-2xl font-semibold">User Management</h1>
      <Card
        title="Members"
        description={`${list.total} ${withoutTwoFactor ? "without two-factor authentication" : "in " + membership.account.name}.`}
      >
        <nav aria-label="Filter members" className="mb-4 flex gap-3 text-sm">
          <Link
            href={href({})}
            aria-current={!withoutTwoFactor ? "page" : undefined}
            className="underline aria-[current=page]:font-semibold aria-[current=page]:no-underline"
          >
            All members
          </Link>
          <Link
            href={href({ filter: "without-2fa" })}
            aria-current={withoutTwoFactor ? "page" : undefined}
            className="underline aria-[current=page]:font-semibold aria-[current=page]:no-underline"
          >
            Without 2FA
          </Link>
          <a href="/settings/users/export.csv" download className="ml-auto underline">
            Export CSV
          </a>
        </nav>
        <div className="overflow-x-auto pl-1" tabIndex={0} role="region" aria-label="Members table">
          <table className="w-full text-left text-sm">
            <thead className="border-b border-slate-200 text-slate-600">
              <tr>
                <th scope="col" className="py-2 pr-2 font-medium">
                  2FA
                </th>
                <th scope="col" className="py-2 pr-2 font-medium">
                  Name
                </th>
                <th scope="col" className="py-2 pr-2 font-medium">
                  Email
                </th>
                <th scope="col" className="py-2 pr-2 font-medium">
                  Role
                </th>
                <th scope="col" className="py-2 font-medium">
                  Actions
                </th>
              </tr>
            </thead>
            <tbody>
              {list.members.map((m) => (
                <MemberRow
                  key={m.membershipId}
                  actions={{ setRole, resetTwoFactor, remove }}
                  member={m}
                  isSelf={m.id === user.id}
                  actorRole={membership.role}
                />
              ))}
            </tbody>
          </table>
        </div>
        {list.members.length === 0 && <p className="py-4 text-sm text-slate-600">No members match.</p>}
        {list.pages > 1 && (
          <nav aria-label="Pages" className="mt-4 flex items-center gap-4 text-sm">
            {list.page > 1 && (
              <Link className="underline" href={href({ filter: params.filter, page: String(list.page - 1) })}>
                Previous
              </Link>
            )}
            <span>
              Page {list.page} of {list.pages}
            </span>
            {list.page < list.pages && (
              <Link className="underline" href={href({ filter: params.filter, page: String(list.page + 1) })}>
                Next
              </Link>
            )}
          </nav>
        )}
      </Card>
      <Card title="Invite a member" description="They get an email with a link that works once and expires in 7 days.">
        <InviteForm invite={invite} canInviteOwner={membership.role === "owner"} />
      </Card>
      <Card title="Pending invitations">
        <PendingInvitations
          resend={resendInvite}
          revoke={revokeInvite}
          invitations={invitations.map((i) => ({ ...i, expiresAt: i.expiresAt.toISOString() }))}
        />
      </Card>
    </div>
  );
}
