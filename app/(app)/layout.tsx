import Link from "next/link";
import { AccountSwitcher } from "@/components/shell/account-switcher";
import { GraceBanner } from "@/components/shell/grace-banner";
import { SignOutButton } from "@/components/shell/sign-out-button";
import { canManage, currentMembership, listAccounts } from "@/lib/accounts/current";
import { requireSession } from "@/lib/auth/session";
import { switchAccount } from "./actions";

export default async function AppLayout({ children }: { children: React.ReactNode }) {
  // The session check also applied the 2FA rule (a user who must enrol went to /enrol): its verdict
  // drives the grace banner, with no second look-up.
  const { user, policy } = await requireSession();
  const [membership, accounts] = await Promise.all([currentMembership(user.id), listAccounts(user.id)]);
  const admin = membership && canManage(membership.role);
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-3 px-4 py-3">
          <div className="flex items-center gap-4">
            <Link href="/profile" className="text-lg font-bold tracking-tight text-brand-700">
              Twofold
            </Link>
            {membership && (
              <AccountSwitcher switchAccount={switchAccount} accounts={accounts} currentId={membership.account.id} />
            )}
          </div>
          <nav aria-label="Main" className="flex flex-wrap items-center gap-4 text-sm">
            <Link href="/profile" className="font-medium hover:underline">
              Profile
            </Link>
            {admin && (
              <>
                <Link href="/settings/authentication" className="font-medium hover:underline">
                  Authentication
                </Link>
                <Link href="/settings/users" className="font-medium hover:underline">
                  Users
                </Link>
                <Link href="/settings/audit" className="font-medium hover:underline">
                  Audit log
                </Link>
              </>
            )}
            <span className="hidden text-slate-600 md:inline">{user.email}</span>
            <SignOutButton />
          </nav>
        </div>
      </header>
      {policy.graceUntil && (
        <GraceBanner deadline={policy.graceUntil} accounts={policy.enforcedBy.map((a) => a.name)} />
      )}
      <main className="mx-auto max-w-5xl px-4 py-8">{children}</main>
    </div>
  );
}
