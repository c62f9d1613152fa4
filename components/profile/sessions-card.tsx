"use client";
import { Card } from "@/components/ui/card";
import type { ConfirmPassword } from "@/components/auth/password-again";
import { DeviceList } from "./device-list";

/** A row as the page formats it on the server (times in words, so server and browser agree). */
export type SessionRow = {
  handle: string;
  browser: string;
  ip: string | null;
  place: string | null;
  signedIn: string;
  lastActive: string;
  current: boolean;
};
type Result = { ok?: boolean; error?: string; code?: string };

/** The profile's Sessions card; the page passes in its server actions. */
export function SessionsCard({
  sessions,
  lifetimeHours,
  signOutSession,
  signOutOthers,
  confirmPassword,
}: {
  sessions: SessionRow[];
  lifetimeHours: number;
  signOutSession: (input: { handle: string }) => Promise<Result>;
  signOutOthers: (input: Record<string, never>) => Promise<Result>;
  /** Ending another session needs the password lately in this one. */
  confirmPassword: ConfirmPassword;
}) {
  const others = sessions.filter((s) => !s.current).length;
  return (
    <Card
      title="Sessions"
      description={`Where you are signed in now. A session ends ${lifetimeHours} hours after its sign-in, or when signed out.`}
    >
      <DeviceList
        label="Sessions"
        passwordAgain={{ confirm: confirmPassword, purpose: "sign out your other sessions" }}
        rows={sessions.map((s) => ({
          ...s,
          id: s.handle,
          times: [`Signed in ${s.signedIn}`, `Last active ${s.lastActive}`],
          when: `signed in ${s.signedIn}`,
        }))}
        rowAction={{
          label: "Sign out",
          onCurrent: false,
          run: (row) => signOutSession({ handle: row.id }),
          done: (row) => `Signed out ${row.browser}.`,
        }}
        allAction={{
          label: "Sign out other sessions",
          shown: others > 0,
          description: `Every session but this one ends (${others} ${others === 1 ? "session" : "sessions"}): those browsers will have to sign in again. Any password-reset link sent to you stops working too.`,
          run: () => signOutOthers({}),
          done: "Your other sessions were signed out.",
        }}
      />
    </Card>
  );
}
