import Link from "next/link";
import { SignOutButton } from "@/components/shell/sign-out-button";
import { requireUser } from "@/lib/auth/session";

export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const user = await requireUser();
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-4xl flex-wrap items-center justify-between gap-3 px-4 py-3">
          <Link href="/profile" className="text-lg font-bold tracking-tight text-brand-700">
            Twofold
          </Link>
          <nav aria-label="Main" className="flex items-center gap-4 text-sm">
            <Link href="/profile" className="font-medium hover:underline">
              Profile
            </Link>
            <span className="hidden text-slate-500 sm:inline" aria-label="Signed in as">
              {user.email}
            </span>
            <SignOutButton />
          </nav>
        </div>
      </header>
      <main className="mx-auto max-w-4xl px-4 py-8">{children}</main>
    </div>
  );
}
