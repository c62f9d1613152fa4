// A stolen session cookie must not let someone put their own authenticator on the account: adding a
// second factor needs the password in this session lately (the sign-in, or the password again).
import { beforeEach, describe, expect, it, vi } from "vitest";
import { checkPassword } from "@/lib/auth/sign-in";
import { RECENT_PASSWORD_MS, requireRecentPassword } from "@/lib/auth/recent-password";
import { ErrorCode } from "@/lib/errors";
import { hasSecondFactor } from "@/lib/two-factor/second-factor";
import { totpCode } from "@/lib/two-factor/totp";
import { CHALLENGE_COOKIE, finishSignIn, jar, SESSION_COOKIE } from "./browser";
import { freshDatabasePerFile } from "./database";
import { makeUser, meta, PASSWORD } from "./fixtures";

vi.mock("next/headers", async () => (await import("./browser")).nextHeaders);
const profile = await import("@/app/(app)/profile/actions");
const keys = await import("@/app/(app)/profile/key-actions");
const { prisma } = freshDatabasePerFile();

beforeEach(() => jar.clear());

async function signedInAWhileAgo() {
  const user = await makeUser("Victim");
  const { token } = await checkPassword(user.email, PASSWORD, meta);
  jar.set(CHALLENGE_COOKIE, token);
  expect(await finishSignIn()).toBe(true);
  expect(jar.get(SESSION_COOKIE)).toBeTruthy();
  const before = new Date(Date.now() - RECENT_PASSWORD_MS - 60_000);
  await prisma().session.updateMany({ where: { userId: user.id }, data: { createdAt: before } });
  return user;
}

describe("adding a second factor in an older session", () => {
  it("is refused without the password, and nothing is enabled", async () => {
    const user = await signedInAWhileAgo();
    const started = await profile.startEnrolment({});
    expect(started).toMatchObject({ ok: false, code: ErrorCode.passwordRequired });
    expect(await prisma().totpEnrolment.count({ where: { userId: user.id } })).toBe(0);
    expect(await profile.enableTwoFactor({ code: "123456" })).toMatchObject({ ok: false });
    expect(await keys.securityKeyOptions({})).toMatchObject({ ok: false, code: ErrorCode.passwordRequired });
    expect(await hasSecondFactor(user.id)).toBe(false);
  });

  it("a wrong password changes nothing; the right one lets this session add it", async () => {
    const user = await signedInAWhileAgo();
    expect(await profile.confirmPasswordAgain({ password: "not the password" })).toMatchObject({
      ok: false,
      code: ErrorCode.wrongPassword,
    });
    expect((await profile.startEnrolment({})).code).toBe(ErrorCode.passwordRequired);
    expect(await profile.confirmPasswordAgain({ password: PASSWORD })).toMatchObject({ ok: true });
    const started = await profile.startEnrolment({});
    expect(started.ok).toBe(true);
    const enabled = await profile.enableTwoFactor({ code: await totpCode(started.data!.secret) });
    expect(enabled.data?.recoveryCodes).toHaveLength(10);
    expect(await hasSecondFactor(user.id)).toBe(true);
  });

  it("a fresh sign-in needs no second password", async () => {
    const user = await makeUser("Fresh");
    const { token } = await checkPassword(user.email, PASSWORD, meta);
    jar.set(CHALLENGE_COOKIE, token);
    expect(await finishSignIn()).toBe(true);
    expect((await profile.startEnrolment({})).ok).toBe(true);
  });

  it("counts for the cookie's generation only: a request of a copy from before a renewal is not made fresh by it", async () => {
    // The owner enters the password in their browser (a renewal) while a copy's request is in flight,
    // between its session check (generation 0) and its recent-password check.
    const user = await makeUser("Copied");
    const session = await prisma().session.create({
      data: {
        id: "copied-session",
        userId: user.id,
        userVersion: 0,
        createdAt: new Date(Date.now() - RECENT_PASSWORD_MS - 60_000),
        expiresAt: new Date(Date.now() + 3_600_000),
      },
    });
    await prisma().session.update({
      where: { id: session.id },
      data: { generation: 1, reauthenticatedAt: new Date() },
    });
    await expect(requireRecentPassword({ id: session.id, generation: 0 })).rejects.toMatchObject({
      code: ErrorCode.passwordRequired,
    });
    await expect(requireRecentPassword({ id: session.id, generation: 1 })).resolves.toBeUndefined();
  });
});
