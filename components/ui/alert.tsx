const tones = {
  error: "border-red-300 bg-red-50 text-red-800",
  success: "border-green-300 bg-green-50 text-green-800",
  warning: "border-amber-300 bg-amber-50 text-amber-900",
  info: "border-blue-300 bg-blue-50 text-blue-900",
} as const;

/** A message announced to screen readers: errors assertively, the rest politely. */
export function Alert({ tone, children }: { tone: keyof typeof tones; children: React.ReactNode }) {
  return (
    <div role={tone === "error" ? "alert" : "status"} className={`rounded-md border px-3 py-2 text-sm ${tones[tone]}`}>
      {children}
    </div>
  );
}

/** Keeps a live region in the page at all times, so the first message is announced too. */
export function FormMessage({ error, success }: { error?: string; success?: string }) {
  return (
    <div aria-live="polite" className="empty:hidden">
      {error ? <Alert tone="error">{error}</Alert> : success ? <Alert tone="success">{success}</Alert> : null}
    </div>
  );
}
