import Link from "next/link";
import { AccountSwitcher } from "@/components/shell/account-switcher";
import { GraceBanner } from "@/components/shell/grace-banner";
import { SignOutButton } from "@/components/shell/sign-out-button";
import { canManage, currentMembership, listAccounts } from "@/lib/accounts/current";
import { requireUser } from "@/lib/auth/session";
import { twoFactorPolicy } from "@/lib/two-factor/policy";

export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const user = await requireUser();
  const [membership, accounts, policy] = await Promise.all([currentMembership(user.id), listAccounts(user.id), twoFactorPolicy(user.id)]);
  const admin = membership && canManage(membership.role);
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-3 px-4 py-3">
          <div className="flex items-center gap-4">
            <Link href="/profile" className="text-lg font-bold tracking-tight text-brand-700">
              Twofold
            </Link>
            {membership && <AccountSwitcher accounts={accounts} currentId={membership.account.id} />}
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
      {policy.graceUntil && <GraceBanner deadline={policy.graceUntil} accounts={policy.enforcedBy.map((a) => a.name)} />}
      <main className="mx-auto max-w-5xl px-4 py-8">{children}</main>
    </div>
  );
}
