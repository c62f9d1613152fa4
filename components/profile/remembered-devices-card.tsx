"use client";
import { Card } from "@/components/ui/card";
import { DeviceList } from "./device-list";

/** A row as the page formats it on the server (times in words, so server and browser agree). */
export type RememberedDeviceRow = {
  id: string;
  browser: string;
  ip: string | null;
  place: string | null;
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
  return (
    <Card
      title="Remembered devices"
      description="Browsers where you chose “Don't ask again on this device”: they sign you in with your password alone. The place in brackets is the country the IP address is registered in, so it is approximate."
    >
      <DeviceList
        label="Remembered devices"
        rows={devices.map((d) => ({
          ...d,
          times: [`Last used ${d.lastUsed}`, `Remembered until ${d.until}`],
          when: `last used ${d.lastUsed}`,
        }))}
        empty={
          <p className="text-sm text-slate-600">
            No remembered devices. Tick “Don&apos;t ask again on this device” at sign-in to add one.
          </p>
        }
        rowAction={{
          label: "Forget",
          onCurrent: true,
          run: (row) => forget({ deviceId: row.id }),
          done: (row) => `Forgot ${row.browser}. It will ask for a second factor again.`,
        }}
        allAction={{
          label: "Forget all devices",
          shown: devices.length > 0,
          description: "Every remembered browser, this one included, will ask for a second factor at the next sign-in.",
          run: () => forgetAll({}),
          done: "All your devices were forgotten.",
        }}
      />
    </Card>
  );
}
