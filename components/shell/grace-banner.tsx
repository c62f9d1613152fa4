import Link from "next/link";

/**
 * Shown on every page while a grace period lets a member without 2FA sign in. Rendered per request,
 * so each page view shows the time left.
 */
export function GraceBanner({
  deadline,
  accounts,
  now = new Date(),
}: {
  deadline: Date;
  accounts: string[];
  now?: Date;
}) {
  const left = Math.max(0, deadline.getTime() - now.getTime());
  const hours = Math.floor(left / 3_600_000);
  const minutes = Math.floor((left % 3_600_000) / 60_000);
  return (
    <div role="status" className="border-b border-amber-300 bg-amber-50">
      <p className="mx-auto max-w-5xl px-4 py-2 text-sm text-amber-900">
        {accounts.join(", ")} requires two-factor authentication:{" "}
        <strong data-testid="grace-countdown">
          {hours} h {minutes} min left
        </strong>{" "}
        (until {deadline.toUTCString()}).{" "}
        <Link href="/profile?enrol=1" className="font-medium underline">
          Set it up now
        </Link>
      </p>
    </div>
  );
}
