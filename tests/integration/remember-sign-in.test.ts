// "Don't ask again on this device" at sign-in, through /login's own server actions and a cookie jar
// standing in for the browser: which browsers skip the second factor, and when they stop.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { enableEnforcement } from "@/lib/accounts/enforcement";
import { resetMemberTwoFactor } from "@/lib/accounts/members";
import { changePassword } from "@/lib/auth/password";
import { forgetOwnDevice, rememberDevice } from "@/lib/auth/remembered-devices";
import { checkPassword } from "@/lib/auth/sign-in";
import { ErrorCode } from "@/lib/errors";
import { beginEnrolment, confirmEnrolment } from "@/lib/two-factor/factors/totp-enrolment";
import { totpCode } from "@/lib/two-factor/totp";
import { finishSignIn, jar, SESSION_COOKIE, signOut, submitPassword, submitSecondFactor } from "./browser";
import { freshDatabasePerFile } from "./database";
import { makeUser, makeUserWithTwoFactor, meta, PASSWORD, setupNow, sessionNow, versionNow } from "./fixtures";

vi.mock("next/headers", async () => (await import("./browser")).nextHeaders);

const { prisma } = freshDatabasePerFile();
const DEVICE_COOKIE = "twofold.device";
const DAY = 86_400_000;
beforeEach(() => jar.clear());

type TwoFactorUser = Awaited<ReturnType<typeof makeUserWithTwoFactor>>;

/**
 * /login in this browser: the password, then (when asked) a code with the box ticked or not. A second
 * sign-in of the same user in one test uses a recovery code (the next TOTP step is already spent).
 */
async function signIn(who: TwoFactorUser, { remember = false, recovery = false } = {}) {
  const step1 = await submitPassword({ email: who.user.email, password: PASSWORD });
  expect(step1.ok).toBe(true);
  if (step1.data!.requirement === "verify") {
    const proof = recovery
      ? { method: "recovery" as const, code: who.recoveryCodes.pop()! }
      : { method: "totp" as const, code: await who.nextCode() };
    const step2 = await submitSecondFactor({ ...proof, remember });
    expect({ ok: step2.ok, error: step2.error }).toEqual({ ok: true, error: undefined });
  }
  expect(await finishSignIn()).toBe(true);
  return step1.data!;
}

/** A fresh browser that keeps only the remembered-device cookie (signed out, challenge gone). */
function keepOnlyDeviceCookie() {
  const device = jar.get(DEVICE_COOKIE);
  jar.clear();
  if (device) jar.set(DEVICE_COOKIE, device);
  return device;
}

async function teamOf(owner: TwoFactorUser, member: TwoFactorUser) {
  const { accountId } = await prisma().membership.findFirstOrThrow({ where: { userId: owner.user.id } });
  // Only in the owner's account, so the owner's Reset 2FA reaches all of the member's accounts.
  await prisma().membership.deleteMany({ where: { userId: member.user.id } });
  const membership = await prisma().membership.create({
    data: { userId: member.user.id, accountId, role: "member" },
  });
  return { accountId, membershipId: membership.id };
}

/** An owner's team whose member signed in with "Don't ask again": the member's device cookie alone is kept. */
async function rememberedMember() {
  const owner = await makeUserWithTwoFactor("Owner");
  const member = await makeUserWithTwoFactor("Member");
  const team = await teamOf(owner, member);
  await signIn(member, { remember: true });
  return { owner, member, ...team, token: keepOnlyDeviceCookie()! };
}

/** The account enforces 2FA and lets its members' devices be remembered for `days`. */
async function allowRememberDays(owner: TwoFactorUser, accountId: string, days: number) {
  await enableEnforcement(owner.user.id, accountId, 0, meta);
  await prisma().account.update({ where: { id: accountId }, data: { rememberDeviceDays: days } });
}

describe("a remembered device at sign-in", () => {
  it("skips the code in the browser that ticked the box, only there, and the skip is audited", async () => {
    const alice = await makeUserWithTwoFactor("Alice");
    const first = await signIn(alice, { remember: true });
    expect(first).toMatchObject({ requirement: "verify", rememberDays: 30 });
    await signOut();
    expect(jar.has(SESSION_COOKIE)).toBe(false);
    expect(keepOnlyDeviceCookie()).toEqual(expect.any(String));

    const again = await submitPassword({ email: alice.user.email, password: PASSWORD });
    expect(again.data?.requirement).toBe("none");
    expect(await finishSignIn()).toBe(true); // a session without any code

    const events = await prisma().auditEvent.findMany({ where: { subjectId: alice.user.id } });
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(["device.remembered"]));
    const skip = events.find((e) => e.type === "sign_in.remembered_device");
    expect(skip?.details).toMatchObject({ browser: expect.any(String) });

    jar.clear(); // another browser: no cookie, asked for the code
    expect((await submitPassword({ email: alice.user.email, password: PASSWORD })).data?.requirement).toBe("verify");
    expect(jar.has(DEVICE_COOKIE)).toBe(false);
  });

  it("is not set without the box ticked, nor by a wrong code", async () => {
    const alice = await makeUserWithTwoFactor("Alice");
    await signIn(alice);
    expect(jar.has(DEVICE_COOKIE)).toBe(false);
    jar.clear();
    await submitPassword({ email: alice.user.email, password: PASSWORD });
    const wrong = await submitSecondFactor({ method: "totp", code: "000000", remember: true });
    expect(wrong.code).toBe(ErrorCode.invalidCode);
    expect(jar.has(DEVICE_COOKIE)).toBe(false);
    expect(await prisma().rememberedDevice.count({ where: { userId: alice.user.id } })).toBe(0);
  });

  it("does not let another user's cookie skip the code", async () => {
    const alice = await makeUserWithTwoFactor("Alice");
    const mallory = await makeUserWithTwoFactor("Mallory");
    await signIn(mallory, { remember: true });
    keepOnlyDeviceCookie();
    expect((await submitPassword({ email: alice.user.email, password: PASSWORD })).data?.requirement).toBe("verify");
    expect(await finishSignIn()).toBe(false);
  });

  it("asks for the code again once the device expired, was forgotten, or the password changed", async () => {
    const alice = await makeUserWithTwoFactor("Alice");
    const ask = async (token: string) => (await checkPassword(alice.user.email, PASSWORD, meta, token)).requirement;
    const user = () => prisma().user.findUniqueOrThrow({ where: { id: alice.user.id } });

    const expiring = (await rememberDevice(await user(), meta))!;
    expect(await ask(expiring.token)).toBe("none");
    await prisma().rememberedDevice.updateMany({ data: { expiresAt: new Date(Date.now() - 1) } });
    expect(await ask(expiring.token)).toBe("verify");

    const forgotten = (await rememberDevice(await user(), meta))!;
    const row = await prisma().rememberedDevice.findFirstOrThrow({ where: { expiresAt: forgotten.expiresAt } });
    await forgetOwnDevice(alice.user.id, row.id, meta);
    expect(await ask(forgotten.token)).toBe("verify");

    const beforePasswordChange = (await rememberDevice(await user(), meta))!;
    await changePassword(alice.user.id, PASSWORD, "a brand new password", meta, await sessionNow(alice.user.id));
    const asked = await checkPassword(alice.user.email, "a brand new password", meta, beforePasswordChange.token);
    expect(asked.requirement).toBe("verify");
  });

  it("asks for the code after an admin's 2FA reset, even once the member set up 2FA again", async () => {
    const { owner, member, accountId, membershipId, token } = await rememberedMember();

    await resetMemberTwoFactor(owner.user.id, accountId, membershipId, await owner.proof(), meta);
    const { secret } = await beginEnrolment(member.user, await setupNow(member.user.id));
    await confirmEnrolment(member.user.id, await totpCode(secret), meta, await versionNow(member.user.id));
    expect((await checkPassword(member.user.email, PASSWORD, meta, token)).requirement).toBe("verify");
  });

  it("is not offered, not set and not honoured where the strictest account allows 0 days", async () => {
    const { owner, member, accountId, token } = await rememberedMember();

    await allowRememberDays(owner, accountId, 0);
    const step1 = await submitPassword({ email: member.user.email, password: PASSWORD });
    expect(step1.data).toMatchObject({ requirement: "verify", rememberDays: 0 });
    expect(await finishSignIn()).toBe(false);

    jar.clear();
    await signIn(member, { remember: true, recovery: true });
    expect(jar.has(DEVICE_COOKIE)).toBe(false);
    expect(await checkPassword(member.user.email, PASSWORD, meta, token)).toMatchObject({ requirement: "verify" });
  });

  it("never skips forced enrolment, whatever the cookie", async () => {
    const owner = await makeUserWithTwoFactor("Owner");
    const { accountId } = await prisma().membership.findFirstOrThrow({ where: { userId: owner.user.id } });
    const bare = await makeUser("Bare");
    await prisma().membership.create({ data: { userId: bare.id, accountId, role: "member" } });
    // A device record under the user's current version, as if trust had been given to a user with no factor.
    const { sessionVersion } = await prisma().user.findUniqueOrThrow({ where: { id: bare.id } });
    const device = (await rememberDevice({ id: bare.id, sessionVersion }, meta))!;
    await enableEnforcement(owner.user.id, accountId, 0, meta);

    jar.set(DEVICE_COOKIE, device.token);
    const step1 = await submitPassword({ email: bare.email, password: PASSWORD });
    expect(step1.data?.requirement).toBe("enrol");
    expect(await finishSignIn()).toBe(false);
    expect(await prisma().auditEvent.count({ where: { subjectId: bare.id, type: "sign_in.remembered_device" } })).toBe(
      0,
    );
  });

  it("follows an account that shortens the days: older trust ends with it", async () => {
    const { owner, member, accountId, token } = await rememberedMember();
    await allowRememberDays(owner, accountId, 7);
    await prisma().rememberedDevice.updateMany({ data: { createdAt: new Date(Date.now() - 8 * DAY) } });
    expect((await checkPassword(member.user.email, PASSWORD, meta, token)).requirement).toBe("verify");
  });
});
