"use client";

export default function ErrorPage({ reset }: { error: Error; reset: () => void }) {
  return (
    <main className="mx-auto max-w-md px-6 py-24 text-center" role="alert">
      <title>Something went wrong · Twofold</title>
      <h1 className="text-2xl font-semibold">Something went wrong</h1>
      <p className="mt-3 text-slate-600">
        The page could not be shown. If the database is unreachable, try again in a moment.
      </p>
      <button onClick={reset} className="mt-6 rounded-md bg-brand-600 px-4 py-2 font-medium text-white">
        Try again
      </button>
    </main>
  );
}
