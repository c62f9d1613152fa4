import { describe, expect, it } from "vitest";
import { resetMemberTwoFactor } from "@/lib/accounts/members";
import { setRememberDeviceDays } from "@/lib/accounts/remember-days";
import { AuditType } from "@/lib/audit";
import { describeAuditEvent } from "@/lib/audit-words";
import { changePassword } from "@/lib/auth/password";
import {
  forgetDevice,
  listRememberedDevices,
  rememberDaysFor,
  rememberDevice,
  rememberedDeviceFor,
  REMEMBER_DEVICE_DEFAULT_DAYS,
} from "@/lib/auth/remembered-devices";
import { ErrorCode } from "@/lib/errors";
import { disableTwoFactor } from "@/lib/two-factor/manage";
import { freshDatabasePerFile } from "./database";
import { makeUser, makeUserWithTwoFactor, meta, PASSWORD, sessionNow } from "./fixtures";

const { prisma } = freshDatabasePerFile();
const DAY = 86_400_000;

/** As the sign-in passes it: the user with the session version its challenge was issued under. */
async function signedIn(user: { id: string }) {
  return prisma().user.findUniqueOrThrow({ where: { id: user.id }, select: { id: true, sessionVersion: true } });
}

async function accountOf(userId: string) {
  return (await prisma().membership.findFirstOrThrow({ where: { userId } })).accountId;
}

async function enforce(accountId: string, rememberDeviceDays: number) {
  await prisma().account.update({
    where: { id: accountId },
    data: { enforceTwoFactor: true, enforcedAt: new Date(), rememberDeviceDays },
  });
}

describe("remembered devices", () => {
  it("let only the user they were issued to skip the second factor, and store only a hash", async () => {
    const { user } = await makeUserWithTwoFactor();
    const other = await makeUserWithTwoFactor("Mallory");
    const device = (await rememberDevice(await signedIn(user), meta))!;
    expect(await rememberedDeviceFor(user.id, device.token)).toEqual(expect.any(String));
    expect(await rememberedDeviceFor(other.user.id, device.token)).toBeNull();
    expect(await rememberedDeviceFor(user.id, undefined)).toBeNull();
    expect(await rememberedDeviceFor(user.id, device.token.slice(1))).toBeNull();
    expect(await rememberedDeviceFor(user.id, "x".repeat(5000))).toBeNull();
    const rows = await prisma().rememberedDevice.findMany({ where: { userId: user.id } });
    expect(JSON.stringify(rows)).not.toContain(device.token);
    expect(device.expiresAt.getTime() - Date.now()).toBeGreaterThan((REMEMBER_DEVICE_DEFAULT_DAYS - 1) * DAY);
  });

  it("end with a password change", async () => {
    const { user } = await makeUserWithTwoFactor();
    const device = (await rememberDevice(await signedIn(user), meta))!;
    await changePassword(user.id, PASSWORD, "a brand new password", meta, await sessionNow(user.id));
    expect(await rememberedDeviceFor(user.id, device.token)).toBeNull();
    expect(await listRememberedDevices(user.id)).toEqual([]);
  });

  it("end when the user turns 2FA off, or an admin resets it", async () => {
    const alice = await makeUserWithTwoFactor("Alice");
    const aliceDevice = (await rememberDevice(await signedIn(alice.user), meta))!;
    await disableTwoFactor(alice.user.id, await alice.proof(), meta);
    expect(await rememberedDeviceFor(alice.user.id, aliceDevice.token)).toBeNull();

    const owner = await makeUserWithTwoFactor("Owner");
    const accountId = await accountOf(owner.user.id);
    const member = await makeUserWithTwoFactor("Member");
    await prisma().membership.deleteMany({ where: { userId: member.user.id } });
    const membership = await prisma().membership.create({
      data: { userId: member.user.id, accountId, role: "member" },
    });
    const memberDevice = (await rememberDevice(await signedIn(member.user), meta))!;
    await resetMemberTwoFactor(owner.user.id, accountId, membership.id, await owner.proof(), meta);
    expect(await rememberedDeviceFor(member.user.id, memberDevice.token)).toBeNull();
    expect(await prisma().rememberedDevice.count({ where: { userId: member.user.id } })).toBe(0);
  });

  it("end at their expiry", async () => {
    const { user } = await makeUserWithTwoFactor();
    const device = (await rememberDevice(await signedIn(user), meta))!;
    expect(await rememberedDeviceFor(user.id, device.token, new Date(device.expiresAt.getTime() + 1))).toBeNull();
  });

  it("follow the strictest enforcing account, including trust given before it changed", async () => {
    const { user } = await makeUserWithTwoFactor();
    const device = (await rememberDevice(await signedIn(user), meta))!;
    const own = await accountOf(user.id);
    const strict = await accountOf((await makeUser("Strict")).id);
    await prisma().membership.create({ data: { userId: user.id, accountId: strict, role: "member" } });

    await enforce(own, 30);
    expect(await rememberDaysFor(user.id)).toBe(30);
    await enforce(strict, 7);
    expect(await rememberDaysFor(user.id)).toBe(7);
    expect(await rememberedDeviceFor(user.id, device.token, new Date(Date.now() + 6 * DAY))).toEqual(
      expect.any(String),
    );
    expect(await rememberedDeviceFor(user.id, device.token, new Date(Date.now() + 8 * DAY))).toBeNull();

    await enforce(strict, 0); // never
    expect(await rememberDevice(await signedIn(user), meta)).toBeNull();
    expect(await rememberedDeviceFor(user.id, device.token)).toBeNull();
  });

  it("are listed to their user only, and forgotten only by them", async () => {
    const { user } = await makeUserWithTwoFactor();
    const other = await makeUserWithTwoFactor("Mallory");
    const device = (await rememberDevice(await signedIn(user), {
      ...meta,
      userAgent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/140",
    }))!;
    await rememberDevice(await signedIn(other.user), meta);
    const [listed, ...more] = await listRememberedDevices(user.id);
    expect(more).toEqual([]);
    expect(listed).toMatchObject({ ip: meta.ip, userAgent: expect.stringContaining("Chrome") });
    expect(listed).not.toHaveProperty("tokenHash");

    expect(await forgetDevice(other.user.id, listed!.id)).toBe(false);
    expect(await rememberedDeviceFor(user.id, device.token)).toEqual(listed!.id);
    expect(await forgetDevice(user.id, listed!.id)).toBe(true);
    expect(await rememberedDeviceFor(user.id, device.token)).toBeNull();
  });
});

describe("the account's days set longer", () => {
  // A longer time lowers the account's protection, as stopping enforcement does: an admin confirms it
  // with a second factor, so a stolen admin session cannot do it alone.
  const daysOf = async (accountId: string) =>
    (await prisma().account.findUniqueOrThrow({ where: { id: accountId } })).rememberDeviceDays;

  it("need a second factor from an admin who has one; shorter, or the same, needs none", async () => {
    const owner = await makeUserWithTwoFactor("Owner");
    const accountId = await accountOf(owner.user.id);
    await setRememberDeviceDays(owner.user.id, accountId, 7, meta);
    expect(await daysOf(accountId)).toBe(7);
    await setRememberDeviceDays(owner.user.id, accountId, 7, meta);

    await expect(setRememberDeviceDays(owner.user.id, accountId, 90, meta)).rejects.toMatchObject({
      code: ErrorCode.secondFactorRequired,
    });
    const wrong = { method: "totp", code: "000000" } as const;
    await expect(setRememberDeviceDays(owner.user.id, accountId, 90, meta, wrong)).rejects.toMatchObject({
      code: ErrorCode.invalidCode,
    });
    expect(await daysOf(accountId)).toBe(7);

    const code = await owner.nextCode();
    await setRememberDeviceDays(owner.user.id, accountId, 90, meta, { method: "totp", code });
    expect(await daysOf(accountId)).toBe(90);
    const event = await prisma().auditEvent.findFirstOrThrow({
      where: { accountId, type: AuditType.rememberDaysSet },
      orderBy: { createdAt: "desc" },
    });
    expect(describeAuditEvent(event.type, event.details as Record<string, unknown>).sentence).toBe(
      "Members may skip the second factor on a remembered device for 90 days, confirmed with an authenticator code",
    );
  });

  it("are refused to an admin with no second factor of their own: protect your own login first", async () => {
    const owner = await makeUser("Owner");
    const accountId = await accountOf(owner.id);
    await setRememberDeviceDays(owner.id, accountId, 0, meta); // shorter needs nothing
    await expect(setRememberDeviceDays(owner.id, accountId, 60, meta)).rejects.toMatchObject({
      code: ErrorCode.ownTwoFactorFirst,
    });
    expect(await daysOf(accountId)).toBe(0);
  });
});
