import "server-only";
import { cookies } from "next/headers";
import { audit, AuditType } from "@/lib/audit";
import { env } from "@/lib/env";
import type { RequestMeta } from "@/lib/request-meta";
import { rememberDevice } from "../remembered-devices";

// Named like the challenge cookie: __Host- (which must be Secure) only when the app is served over HTTPS.
export const rememberCookieName = () => (env().secureCookies ? "__Host-twofold.device" : "twofold.device");

export async function readRememberCookie(): Promise<string | undefined> {
  return (await cookies()).get(rememberCookieName())?.value;
}

/**
 * "Don't ask again on this device": after a correct second factor at sign-in, this browser gets an
 * httpOnly cookie with a token whose hash alone is stored (lib/auth/remembered-devices). It lasts as
 * long as the user's strictest enforcing account allows; nothing is set when that is 0 days.
 */
export async function rememberThisBrowser(user: { id: string; sessionVersion: number }, meta: RequestMeta) {
  const device = await rememberDevice(user, meta);
  if (!device) return null;
  const seconds = Math.floor((device.expiresAt.getTime() - Date.now()) / 1000);
  (await cookies()).set(rememberCookieName(), device.token, {
    httpOnly: true,
    sameSite: "lax",
    secure: env().secureCookies,
    path: "/",
    maxAge: seconds,
  });
  await audit({
    type: AuditType.deviceRemembered,
    actorId: user.id,
    meta,
    details: { days: Math.round(seconds / 86_400), until: device.expiresAt.toISOString() },
  });
  return device.expiresAt;
}
