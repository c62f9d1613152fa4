"use server";
// The profile's Remembered devices card. The wrapper checks the session on the server; lib only
// touches the signed-in user's own devices.
import { z } from "zod";
import { authedAction } from "@/lib/action";
import { forgetAllOwnDevices, forgetOwnDevice } from "@/lib/auth/remembered-devices";

const deviceId = z.string().trim().min(1, "Choose a device.").max(100, "That is not a device.");

export const forgetRememberedDevice = authedAction(z.object({ deviceId }), async (input, { user, meta }) => {
  await forgetOwnDevice(user.id, input.deviceId, meta);
  return { forgotten: true };
});

export const forgetAllRememberedDevices = authedAction(z.object({}), async (_, { user, meta }) =>
  forgetAllOwnDevices(user.id, meta),
);
