"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { FormMessage } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";

/** A row as the page formats it on the server (times in words, so server and browser agree). */
export type RememberedDeviceRow = {
  id: string;
  browser: string;
  ip: string | null;
  lastUsed: string;
  until: string;
  current: boolean;
};
type Result = { ok?: boolean; error?: string };

/** The profile's Remembered devices card: browsers that skip the second factor, each with "Forget". */
export function RememberedDevicesCard({
  devices,
  forget,
  forgetAll,
}: {
  devices: RememberedDeviceRow[];
  forget: (input: { deviceId: string }) => Promise<Result>;
  forgetAll: (input: Record<string, never>) => Promise<Result>;
}) {
  const router = useRouter();
  const [pending, setPending] = useState<string | null>(null);
  const [message, setMessage] = useState<{ error?: string; success?: string }>({});
  const [confirming, setConfirming] = useState(false);

  async function forgetOne(row: RememberedDeviceRow) {
    setPending(row.id);
    const result = await forget({ deviceId: row.id });
    setPending(null);
    setMessage(
      result.ok
        ? { success: `Forgot ${row.browser}. It will ask for a second factor again.` }
        : { error: result.error },
    );
    router.refresh();
  }

  return (
    <Card
      title="Remembered devices"
      description="Browsers where you chose “Don't ask again on this device”: they sign you in with your password alone. Places are shown as IP addresses, since Twofold has no database to look up where an address is."
    >
      {devices.length === 0 ? (
        <p className="text-sm text-slate-600">
          No remembered devices. Tick “Don&apos;t ask again on this device” at sign-in to add one.
        </p>
      ) : (
        <ul className="divide-y divide-slate-200" aria-label="Remembered devices">
          {devices.map((d) => (
            <li key={d.id} className="flex flex-wrap items-center justify-between gap-3 py-3">
              <div>
                <p className="font-medium">
                  {d.browser}
                  {d.current && (
                    <span className="ml-2 rounded-full bg-green-100 px-2 py-0.5 text-xs font-medium text-green-800">
                      This device
                    </span>
                  )}
                </p>
                <p className="text-sm text-slate-600">
                  IP {d.ip ?? "unknown"} · Last used {d.lastUsed} · Remembered until {d.until}
                </p>
              </div>
              <Button variant="secondary" pending={pending === d.id} onClick={() => forgetOne(d)}>
                Forget<span className="sr-only">{` ${d.browser}, last used ${d.lastUsed}`}</span>
              </Button>
            </li>
          ))}
        </ul>
      )}
      <div className="mt-4 flex flex-col gap-3">
        <FormMessage {...message} />
        {devices.length > 0 && (
          <Button variant="secondary" className="self-start" onClick={() => setConfirming(true)}>
            Forget all devices
          </Button>
        )}
      </div>
      <ConfirmDialog
        open={confirming}
        title="Forget all devices?"
        description="Every remembered browser, this one included, will ask for a second factor at the next sign-in."
        confirmLabel="Forget all devices"
        onCancel={() => setConfirming(false)}
        onConfirm={async () => {
          const result = await forgetAll({});
          if (result.ok) {
            setMessage({ success: "All your devices were forgotten." });
            router.refresh();
          }
          return result;
        }}
      />
    </Card>
  );
}
