import Link from "next/link";
import { Card } from "@/components/ui/card";
import { InviteForm, PendingInvitations } from "@/components/settings/invitations";
import { MemberRow } from "@/components/settings/member-row";
import { pendingInvitations } from "@/lib/accounts/invitations";
import { listMembers, MAX_SEARCH, searchesEmail } from "@/lib/accounts/member-list";
import { requireAccountAdmin } from "@/lib/auth/session";
import { factorKindsToOffer } from "@/lib/two-factor/second-factor";
import { confirmKeyOptions } from "../../confirm-actions";
import { confirmPasswordAgain } from "../../profile/actions";
import { invite, remove, resendInvite, resetTwoFactor, revokeInvite, setRole } from "./actions";
import { PageTitle } from "@/components/ui/page-title";

type Params = { filter?: string; q?: string; after?: string; before?: string };

export default async function UsersPage({ searchParams }: { searchParams: Promise<Params> }) {
  const { user, membership } = await requireAccountAdmin();
  // Every action and link below names this account: another tab may switch the current one meanwhile.
  const accountId = membership.account.id;
  const params = await searchParams;
  const withoutTwoFactor = params.filter === "without-2fa";
  const one = (v: unknown) => (typeof v === "string" ? v : undefined); // ?q=a&q=b gives an array
  const search = one(params.q);
  const [list, invitations, confirmKinds] = await Promise.all([
    listMembers(membership.account.id, {
      withoutTwoFactor,
      search,
      after: one(params.after),
      before: one(params.before),
    }),
    pendingInvitations(membership.account.id),
    factorKindsToOffer(user.id),
  ]);
  const filter = withoutTwoFactor ? "without-2fa" : undefined;
  const q = list.search || undefined;
  const href = (p: Params) =>
    `/settings/users?${new URLSearchParams(Object.entries(p).filter(([, v]) => v) as [string, string][])}`;
  const count = `${list.totalIsLowerBound ? "More than " : ""}${(list.total ?? 0).toLocaleString("en-US")}`;
  const description = q
    ? `Members whose ${searchesEmail(q) ? "email" : "name"} starts with “${q}”${withoutTwoFactor ? ", without two-factor authentication" : ""}.`
    : `${count} ${withoutTwoFactor ? "without two-factor authentication" : "in " + membership.account.name}.`;
  return (
    <div className="flex flex-col gap-6">
      <PageTitle>User Management</PageTitle>
      <h1 className="text-2xl font-semibold">User Management</h1>
      <Card title="Members" description={description}>
        <form method="get" role="search" className="mb-4 flex flex-wrap items-end gap-2 text-sm">
          {filter && <input type="hidden" name="filter" value={filter} />}
          <label className="flex flex-col gap-1">
            <span className="font-medium">Search by name, or by email (with @ or .)</span>
            <input
              type="search"
              name="q"
              defaultValue={q}
              maxLength={MAX_SEARCH}
              placeholder="Starts with…"
              className="rounded-md border border-slate-300 bg-white px-2 py-1"
            />
          </label>
          <button className="rounded-md border border-slate-300 bg-white px-3 py-1 font-medium">Search</button>
        </form>
        {(list.problem || list.invalidCursor) && (
          <p role="alert" className="mb-4 text-sm text-red-700">
            {list.problem ?? "That page link is out of date; showing the first page."}
          </p>
        )}
        <nav aria-label="Filter members" className="mb-4 flex gap-3 text-sm">
          <Link
            href={href({ q })}
            aria-current={!withoutTwoFactor ? "page" : undefined}
            className="underline aria-[current=page]:font-semibold aria-[current=page]:no-underline"
          >
            All members
          </Link>
          <Link
            href={href({ filter: "without-2fa", q })}
            aria-current={withoutTwoFactor ? "page" : undefined}
            className="underline aria-[current=page]:font-semibold aria-[current=page]:no-underline"
          >
            Without 2FA
          </Link>
          <a
            href={`/settings/users/export.csv?${new URLSearchParams({ account: accountId })}`}
            download
            className="ml-auto underline"
          >
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
                  actions={{
                    setRole,
                    resetTwoFactor,
                    remove,
                    confirmKeyOptions,
                    confirmPassword: confirmPasswordAgain,
                  }}
                  accountId={accountId}
                  member={m}
                  isSelf={m.id === user.id}
                  actorRole={membership.role}
                  confirmKinds={confirmKinds}
                />
              ))}
            </tbody>
          </table>
        </div>
        {list.members.length === 0 && <p className="py-4 text-sm text-slate-600">No members match.</p>}
        {(list.previous || list.next) && (
          <nav aria-label="Pages" className="mt-4 flex items-center gap-4 text-sm">
            {list.previous && (
              <Link className="underline" href={href({ filter, q, before: list.previous })}>
                Previous
              </Link>
            )}
            {list.next && (
              <Link className="underline" href={href({ filter, q, after: list.next })}>
                Next
              </Link>
            )}
          </nav>
        )}
      </Card>
      <Card title="Invite a member" description="They get an email with a link that works once and expires in 7 days.">
        <InviteForm
          invite={invite}
          confirmPassword={confirmPasswordAgain}
          accountId={accountId}
          canInviteOwner={membership.role === "owner"}
        />
      </Card>
      <Card title="Pending invitations">
        <PendingInvitations
          resend={resendInvite}
          revoke={revokeInvite}
          accountId={accountId}
          canManageOwnerInvitations={membership.role === "owner"}
          invitations={invitations.map((i) => ({ ...i, expiresAt: i.expiresAt.toISOString() }))}
        />
      </Card>
    </div>
  );
}
