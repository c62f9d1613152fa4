"use client";
import { useRouter } from "next/navigation";
import { useState, type ReactNode } from "react";
import { usePasswordAgain, type ConfirmPassword } from "@/components/auth/password-again";
import { FormMessage } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";

/** One browser as the page formats it on the server (times in words, so server and browser agree). */
export type DeviceRow = {
  id: string;
  browser: string;
  ip: string | null;
  /** Roughly where the address is ("Japan", "Local network"), when that can be said. */
  place: string | null;
  /** The times after the address, e.g. ["Signed in …", "Last active …"]. */
  times: string[];
  /** Said after the browser in the row button's accessible name, so each button is told apart. */
  when: string;
  current: boolean;
};
type Result = { ok?: boolean; error?: string; code?: string };

/**
 * The list both the Sessions and the Remembered devices cards show: browser, address, times and
 * "This device" a row, a button a row, and one "…all/other" button behind a confirmation.
 */
export function DeviceList({
  label,
  rows,
  empty,
  rowAction,
  allAction,
  passwordAgain,
}: {
  label: string;
  rows: DeviceRow[];
  empty?: ReactNode;
  rowAction: {
    label: string;
    /** Whether the current browser gets the button too (it signs itself out with the menu instead). */
    onCurrent: boolean;
    run: (row: DeviceRow) => Promise<Result>;
    done: (row: DeviceRow) => string;
  };
  allAction: { label: string; shown: boolean; description: string; run: () => Promise<Result>; done: string };
  /** When the server may ask for the password again first (the sessions: requireRecentPassword). */
  passwordAgain?: { confirm: ConfirmPassword; purpose: string };
}) {
  const router = useRouter();
  const [pending, setPending] = useState<string | null>(null);
  const [message, setMessage] = useState<{ error?: string; success?: string }>({});
  const [confirming, setConfirming] = useState(false);
  const { guard, inDialog, prompt } = usePasswordAgain(passwordAgain?.confirm, passwordAgain?.purpose ?? "");

  async function runOne(row: DeviceRow) {
    setPending(row.id);
    await guard(
      () => rowAction.run(row),
      (result) => {
        setMessage(result.ok ? { success: rowAction.done(row) } : { error: result.error });
        router.refresh();
      },
    );
    setPending(null);
  }
  const allDone = (result: Result) => {
    if (!result.ok) return setMessage({ error: result.error });
    setMessage({ success: allAction.done });
    router.refresh();
  };

  return (
    <>
      {rows.length === 0 && empty ? (
        empty
      ) : (
        <ul className="divide-y divide-slate-200" aria-label={label}>
          {rows.map((row) => (
            <li key={row.id} className="flex flex-wrap items-center justify-between gap-3 py-3">
              <div>
                <p className="font-medium">
                  {row.browser}
                  {row.current && (
                    <span className="ml-2 rounded-full bg-green-100 px-2 py-0.5 text-xs font-medium text-green-800">
                      This device
                    </span>
                  )}
                </p>
                <p className="text-sm text-slate-600">
                  {[`IP ${row.ip ?? "unknown"}${row.place ? ` (${row.place})` : ""}`, ...row.times].join(" · ")}
                </p>
              </div>
              {(rowAction.onCurrent || !row.current) && (
                <Button variant="secondary" pending={pending === row.id} onClick={() => runOne(row)}>
                  {rowAction.label}
                  <span className="sr-only">{` ${row.browser}, ${row.when}`}</span>
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
      <div className="mt-4 flex flex-col gap-3">
        <FormMessage {...message} />
        {allAction.shown && (
          <Button variant="secondary" className="self-start" onClick={() => setConfirming(true)}>
            {allAction.label}
          </Button>
        )}
      </div>
      <ConfirmDialog
        open={confirming}
        title={`${allAction.label}?`}
        description={allAction.description}
        confirmLabel={allAction.label}
        onCancel={() => setConfirming(false)}
        onConfirm={() => inDialog(allAction.run, (answer) => answer.ok && allDone(answer), allDone)}
      />
      {prompt}
    </>
  );
}
