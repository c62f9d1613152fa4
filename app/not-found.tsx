import Link from "next/link";
import { PageTitle } from "@/components/ui/page-title";

export default function NotFound() {
  return (
    <main className="mx-auto max-w-md px-6 py-24 text-center">
      <PageTitle>Page not found</PageTitle>
      <h1 className="text-2xl font-semibold">Page not found</h1>
      <p className="mt-3 text-slate-600">There is nothing at this address.</p>
      <Link href="/" className="mt-6 inline-block font-medium text-brand-600 underline">
        Go to the start page
      </Link>
    </main>
  );
}
