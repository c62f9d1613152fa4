"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { FormMessage } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";

/** A row as the page formats it on the server (times in words, so server and browser agree). */
export type SessionRow = {
  handle: string;
  browser: string;
  ip: string | null;
  signedIn: string;
  lastActive: string;
  current: boolean;
};
type Result = { ok?: boolean; error?: string };

/** The profile's Sessions card; the page passes in its server actions. */
export function SessionsCard({
  sessions,
  lifetimeHours,
  signOutSession,
  signOutOthers,
}: {
  sessions: SessionRow[];
  lifetimeHours: number;
  signOutSession: (input: { handle: string }) => Promise<Result>;
  signOutOthers: (input: Record<string, never>) => Promise<Result>;
}) {
  const router = useRouter();
  const [pending, setPending] = useState<string | null>(null);
  const [message, setMessage] = useState<{ error?: string; success?: string }>({});
  const [confirming, setConfirming] = useState(false);
  const others = sessions.filter((s) => !s.current).length;

  async function endOne(row: SessionRow) {
    setPending(row.handle);
    const result = await signOutSession({ handle: row.handle });
    setPending(null);
    setMessage(result.ok ? { success: `Signed out ${row.browser}.` } : { error: result.error });
    router.refresh();
  }

  return (
    <Card
      title="Sessions"
      description={`Where you are signed in now. A session ends ${lifetimeHours} hours after its sign-in, or when signed out.`}
    >
      <ul className="divide-y divide-slate-200">
        {sessions.map((s) => (
          <li key={s.handle} className="flex flex-wrap items-center justify-between gap-3 py-3">
            <div>
              <p className="font-medium">
                {s.browser}
                {s.current && (
                  <span className="ml-2 rounded-full bg-green-100 px-2 py-0.5 text-xs font-medium text-green-800">
                    This device
                  </span>
                )}
              </p>
              <p className="text-sm text-slate-600">
                IP {s.ip ?? "unknown"} · Signed in {s.signedIn} · Last active {s.lastActive}
              </p>
            </div>
            {!s.current && (
              <Button variant="secondary" pending={pending === s.handle} onClick={() => endOne(s)}>
                Sign out<span className="sr-only">{` ${s.browser}, signed in ${s.signedIn}`}</span>
              </Button>
            )}
          </li>
        ))}
      </ul>
      <div className="mt-4 flex flex-col gap-3">
        <FormMessage {...message} />
        {others > 0 && (
          <Button variant="secondary" className="self-start" onClick={() => setConfirming(true)}>
            Sign out other sessions
          </Button>
        )}
      </div>
      <ConfirmDialog
        open={confirming}
        title="Sign out other sessions?"
        description={`Every session but this one ends (${others} ${others === 1 ? "session" : "sessions"}). They will have to sign in again.`}
        confirmLabel="Sign out other sessions"
        onCancel={() => setConfirming(false)}
        onConfirm={async () => {
          const result = await signOutOthers({});
          if (result.ok) {
            setMessage({ success: "Your other sessions were signed out." });
            router.refresh();
          }
          return result;
        }}
      />
    </Card>
  );
}
