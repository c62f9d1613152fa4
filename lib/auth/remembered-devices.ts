import "server-only";
import { audit, AuditType } from "@/lib/audit";
import { randomToken, sha256 } from "@/lib/crypto/tokens";
import { db } from "@/lib/db";
import { AppError, ErrorCode } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { RequestMeta } from "@/lib/request-meta";
import { describeBrowser } from "./user-agent";

/** Days a device is remembered for a user in no enforcing account, and the most an account may allow. */
export const REMEMBER_DEVICE_DEFAULT_DAYS = 30;
export const MAX_REMEMBER_DEVICE_DAYS = 90;
const DAY_MS = 86_400_000;

/**
 * How long this user may be remembered on a device: the strictest account of theirs that enforces
 * 2FA decides (0 = never); with none enforcing, the default.
 */
export async function rememberDaysFor(userId: string): Promise<number> {
  const prisma = await db();
  const { _min } = await prisma.account.aggregate({
    where: { enforceTwoFactor: true, memberships: { some: { userId } } },
    _min: { rememberDeviceDays: true },
  });
  return _min.rememberDeviceDays ?? REMEMBER_DEVICE_DEFAULT_DAYS;
}

/** The same from the days each enforcing account allows, when they were read anyway (policyFactsOf). */
export function rememberDaysOf(enforcingDays: number[]): number {
  return enforcingDays.length ? Math.min(...enforcingDays) : REMEMBER_DEVICE_DEFAULT_DAYS;
}

/**
 * Remembers this browser after the user passed their second factor at sign-in. Returns the cookie's
 * token (only its hash is stored) and when it ends, or null when the user's accounts do not allow it.
 */
export async function rememberDevice(
  user: { id: string; sessionVersion: number },
  meta: RequestMeta,
  now = new Date(),
): Promise<{ token: string; expiresAt: Date } | null> {
  const days = await rememberDaysFor(user.id);
  if (days <= 0) return null;
  const token = randomToken();
  const expiresAt = new Date(now.getTime() + days * DAY_MS);
  const prisma = await db();
  await prisma.rememberedDevice.deleteMany({ where: { userId: user.id, expiresAt: { lt: now } } });
  await prisma.rememberedDevice.create({
    data: {
      userId: user.id,
      tokenHash: sha256(token),
      userVersion: user.sessionVersion,
      userAgent: meta.userAgent?.slice(0, 500) ?? null,
      ip: meta.ip?.slice(0, 100) ?? null,
      createdAt: now,
      lastUsedAt: now,
      expiresAt,
    },
  });
  return { token, expiresAt };
}

const trustFacts = {
  id: true,
  userId: true,
  userVersion: true,
  createdAt: true,
  expiresAt: true,
  user: { select: { sessionVersion: true } },
} as const;

/**
 * The one rule of trust: a device issued to this user, under their current session version (a
 * password change, a 2FA reset or turning 2FA off bumps it), unexpired, and still inside what their
 * strictest enforcing account allows today (an admin who shortens it, or an account the user joins or
 * that starts enforcing, shortens the trust already given).
 */
async function trustedNow(
  device: Prisma.RememberedDeviceGetPayload<{ select: typeof trustFacts }> | null,
  userId: string,
  now: Date,
): Promise<boolean> {
  if (!device || device.userId !== userId || device.expiresAt <= now) return false;
  if (device.user.sessionVersion !== device.userVersion) return false;
  return device.createdAt.getTime() + (await rememberDaysFor(userId)) * DAY_MS > now.getTime();
}

/**
 * Whether the browser's remembered-device token lets this user skip the second factor now (the rule
 * above). Returns the device's id, or null. Callers use it only where the rule asks for a second factor
 * the user has, never for enrolment.
 */
export async function rememberedDeviceFor(
  userId: string,
  token: string | undefined,
  now = new Date(),
): Promise<string | null> {
  if (!token || token.length > 100) return null;
  const prisma = await db();
  const device = await prisma.rememberedDevice.findUnique({ where: { tokenHash: sha256(token) }, select: trustFacts });
  if (!device || !(await trustedNow(device, userId, now))) return null;
  // Not update(): a "Forget" at the same moment deletes the row, and that is no error of this sign-in.
  await prisma.rememberedDevice.updateMany({ where: { id: device.id }, data: { lastUsedAt: now } });
  return device.id;
}

/**
 * Whether the device that let a sign-in skip its code is trusted still, by the same rule: the sign-in
 * is exchanged for a session minutes later, and "Forget", an account's shorter days, or an account the
 * user joined since may have ended the trust meanwhile.
 */
export async function deviceStillTrusted(userId: string, deviceId: string, now = new Date()): Promise<boolean> {
  const prisma = await db();
  return trustedNow(
    await prisma.rememberedDevice.findUnique({ where: { id: deviceId }, select: trustFacts }),
    userId,
    now,
  );
}

/**
 * The user's remembered devices that still work, newest use first (the profile's list): issued under
 * their current session version, and `until` is when each stops, by its expiry or by what their
 * strictest enforcing account allows today, whichever is first. `browserToken` (this browser's
 * cookie) marks its own device; no hash leaves this function.
 */
export async function listRememberedDevices(userId: string, now = new Date(), browserToken?: string) {
  const prisma = await db();
  const [{ sessionVersion }, days] = await Promise.all([
    prisma.user.findUniqueOrThrow({ where: { id: userId }, select: { sessionVersion: true } }),
    rememberDaysFor(userId),
  ]);
  const devices = await prisma.rememberedDevice.findMany({
    where: { userId, userVersion: sessionVersion, expiresAt: { gt: now } },
    select: {
      id: true,
      userAgent: true,
      ip: true,
      createdAt: true,
      lastUsedAt: true,
      expiresAt: true,
      tokenHash: true,
    },
    orderBy: { lastUsedAt: "desc" },
  });
  const ours = browserToken && sha256(browserToken);
  return devices
    .map(({ tokenHash, ...d }) => ({
      ...d,
      until: new Date(Math.min(d.expiresAt.getTime(), d.createdAt.getTime() + days * DAY_MS)),
      current: tokenHash === ours, // the browser asking ("This device")
    }))
    .filter((d) => d.until > now);
}

/** "Forget": only a device of this user; false when there was none (another user's id changes nothing). */
export async function forgetDevice(userId: string, deviceId: string): Promise<boolean> {
  const prisma = await db();
  const { count } = await prisma.rememberedDevice.deleteMany({ where: { id: deviceId, userId } });
  return count === 1;
}

/** Ends every remembered device of the user (a factor removed, "Forget all"). */
export async function forgetAllDevices(userId: string): Promise<number> {
  const prisma = await db();
  const { count } = await prisma.rememberedDevice.deleteMany({ where: { userId } });
  return count;
}

/** The profile's "Forget": this user's device only (another's id is refused and changes nothing), audited. */
export async function forgetOwnDevice(userId: string, deviceId: string, meta: RequestMeta) {
  const prisma = await db();
  const device = await prisma.rememberedDevice.findFirst({
    where: { id: deviceId, userId },
    select: { userAgent: true, ip: true },
  });
  if (!device || !(await forgetDevice(userId, deviceId))) throw new AppError(ErrorCode.deviceNotFound);
  await audit({
    type: AuditType.deviceForgotten,
    actorId: userId,
    meta,
    details: { browser: describeBrowser(device.userAgent), ip: device.ip },
  });
}

/** The profile's "Forget all devices", audited with how many there were. */
export async function forgetAllOwnDevices(userId: string, meta: RequestMeta) {
  const count = await forgetAllDevices(userId);
  await audit({ type: AuditType.devicesForgotten, actorId: userId, meta, details: { count } });
  return { count };
}
