// Sessions that already exist: enforcement reaches them on their next request, sign-out ends them on
// the server, and no renewal outlives the absolute lifetime counted from sign-in. Everything goes
// through the app's own next-auth options, its /api/me route and its server actions.
import { decode, encode } from "next-auth/jwt";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { enableEnforcement } from "@/lib/accounts/enforcement";
import { acceptInvitation, inviteMember } from "@/lib/accounts/invitations";
import { openSignIn } from "@/lib/auth/sign-in";
import { finishChallengeEnrolment, beginChallengeEnrolment } from "@/lib/auth/sign-in";
import { checkPassword } from "@/lib/auth/sign-in";
import { changePassword } from "@/lib/auth/password";
import { currentSession } from "@/lib/auth/session";
import { ErrorCode } from "@/lib/errors";
import * as enrolment from "@/lib/two-factor/factors/totp-enrolment";
import { twoFactorPolicy } from "@/lib/two-factor/policy";
import { totpCode } from "@/lib/two-factor/totp";
import {
  CHALLENGE_COOKIE,
  finishSignIn,
  jar,
  pageOutcome,
  SESSION_COOKIE,
  sessionEndpoint,
  signInWithPassword,
  signOut,
} from "./browser";
import { freshDatabasePerFile } from "./database";
import { asExisting, mailsTo, makeUser, makeUserWithTwoFactor, meta, PASSWORD, sessionNow } from "./fixtures";

vi.mock("next/headers", async () => (await import("./browser")).nextHeaders);
vi.mock("@/lib/two-factor/factors/totp-enrolment", async (original) => {
  const real = await original<typeof import("@/lib/two-factor/factors/totp-enrolment")>();
  return { ...real, confirmEnrolment: vi.fn(real.confirmEnrolment) };
});

const profile = await import("@/app/(app)/profile/actions");
const shell = await import("@/app/(app)/actions");
const login = await import("@/app/(auth)/login/actions");
const { GET: apiMe } = await import("@/app/api/me/route");
const realEnrolment = await vi.importActual<typeof import("@/lib/two-factor/factors/totp-enrolment")>(
  "@/lib/two-factor/factors/totp-enrolment",
);

const { prisma } = freshDatabasePerFile();
const secret = process.env.NEXTAUTH_SECRET!;
const HOUR = 3_600_000;
const ENROLMENT_REQUIRED = "enrolment_required";

beforeEach(() => jar.clear());
afterEach(() => vi.useRealTimers());

/** An owner with 2FA and a member without it, in the owner's account. */
async function team() {
  const owner = await makeUserWithTwoFactor("Owner");
  const { accountId } = await prisma().membership.findFirstOrThrow({ where: { userId: owner.user.id } });
  const member = await makeUser("Member");
  await inviteMember(owner.user.id, accountId, member.email, "member", meta);
  const token = (await mailsTo(member.email)).at(-1)!.text.match(/invite\/([\w-]+)/)![1]!;
  await acceptInvitation(token, await asExisting(member), meta);
  return { owner, accountId, member };
}

/** The whole sign-in of a user who needs no second factor, ending with next-auth's session cookie. */
const signIn = async (email: string) => (await signInWithPassword(email)).cookie;

async function me() {
  const response = await apiMe();
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    cacheControl: response.headers.get("cache-control"),
  };
}

describe("/api/me", () => {
  it("is never kept by a browser or a shared cache: the profile, the refusals", async () => {
    const { owner, accountId, member } = await team();
    expect(await me()).toMatchObject({ status: 401, cacheControl: "private, no-store" });
    await signIn(member.email);
    expect(await me()).toMatchObject({ status: 200, body: { email: member.email }, cacheControl: "private, no-store" });
    await enableEnforcement(owner.user.id, accountId, 0, meta);
    expect(await me()).toMatchObject({ status: 403, cacheControl: "private, no-store" });
  });
});

describe("enforcement reaches sessions that already exist", () => {
  it("a member signed in before the admin pressed Confirm must enrol at the next request, and can do nothing else", async () => {
    const { owner, accountId, member } = await team();
    await signIn(member.email);
    expect((await me()).status).toBe(200);

    await enableEnforcement(owner.user.id, accountId, 0, meta);

    const refused = await me();
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe(ENROLMENT_REQUIRED);
    expect(await pageOutcome()).toBe("/enrol");
    // next-auth's session endpoint gives the same verdict: no user, only that enrolment comes first.
    expect(await sessionEndpoint()).toEqual({ expires: expect.any(String), mustEnrol: true });
    for (const call of [() => profile.updateName({ name: "Sneaky" }), () => shell.switchAccount({ accountId })]) {
      const result = await call();
      expect(result).toMatchObject({ ok: false, code: ENROLMENT_REQUIRED });
      expect(result.error).toMatch(/two-factor authentication/i);
    }
    expect((await prisma().user.findUniqueOrThrow({ where: { id: member.id } })).name).toBe("Member");

    // Enrolment itself is allowed; afterwards the same browser carries on, with 2FA on.
    const started = await profile.startEnrolment({});
    expect(started.ok).toBe(true);
    const enabled = await profile.enableTwoFactor({ code: await totpCode(started.data!.secret) });
    expect(enabled.data?.recoveryCodes).toHaveLength(10);
    expect(await me()).toMatchObject({ status: 200, body: { id: member.id, twoFactor: true } });
    expect(await pageOutcome()).toBe("ok");
    expect((await sessionEndpoint()).uid).toBe(member.id);
    expect((await profile.updateName({ name: "Enrolled" })).ok).toBe(true);
  });

  it("when the grace period ends while the member is signed in, the next request must enrol", async () => {
    const { owner, accountId, member } = await team();
    await enableEnforcement(owner.user.id, accountId, 24, meta);
    await signIn(member.email);
    expect((await me()).status).toBe(200);
    expect(await pageOutcome()).toBe("ok");
    // The per-request check reads the same deadline as the sign-in (the grace banner shows it).
    const { graceUntil } = await twoFactorPolicy(member.id);
    expect(graceUntil!.getTime()).toBeGreaterThan(Date.now() + 23 * HOUR);
    expect((await currentSession())!.policy.graceUntil).toEqual(graceUntil);

    await prisma().account.update({ where: { id: accountId }, data: { enforcedAt: new Date(Date.now() - 25 * HOUR) } });

    expect(await me()).toMatchObject({ status: 403, body: { code: ENROLMENT_REQUIRED } });
    expect(await pageOutcome()).toBe("/enrol");
    expect(await profile.updateName({ name: "Late" })).toMatchObject({ ok: false, code: ENROLMENT_REQUIRED });
  });

  it("a sign-in started before enforcement and finished after it goes to enrolment, not into a session", async () => {
    const { owner, accountId, member } = await team();
    const { token, requirement } = await checkPassword(member.email, PASSWORD, meta);
    expect(requirement).toBe("none");
    jar.set(CHALLENGE_COOKIE, token);

    await enableEnforcement(owner.user.id, accountId, 0, meta);

    expect(await finishSignIn()).toBe(false);
    expect(jar.has(SESSION_COOKIE)).toBe(false);
    expect(await openSignIn()).toEqual({ requirement: "enrol", email: member.email, rememberDays: 0, kinds: [] });
    const started = await login.startLoginEnrolment({});
    expect(started.ok).toBe(true);
    expect((await login.finishLoginEnrolment({ code: await totpCode(started.data!.secret) })).ok).toBe(true);
    expect(await finishSignIn()).toBe(true);
    expect(await me()).toMatchObject({ status: 200, body: { twoFactor: true } });
  });

  it("a resumed sign-in offers the user's factors, and none left means starting again", async () => {
    const grace = await makeUserWithTwoFactor("Resumer");
    const { token } = await checkPassword(grace.user.email, PASSWORD, meta);
    jar.set(CHALLENGE_COOKIE, token);
    expect(await openSignIn()).toMatchObject({ requirement: "verify", kinds: ["totp", "recovery"] });

    // Every factor removed elsewhere while this sign-in was open (here, directly in the database).
    await prisma().totpEnrolment.deleteMany({ where: { userId: grace.user.id } });
    await prisma().user.update({ where: { id: grace.user.id }, data: { totpEnabledAt: null, totpSecret: null } });
    expect(await openSignIn()).toBeNull();
  });

  it("a sign-in started inside the grace period and finished after it also goes to enrolment", async () => {
    const { owner, accountId, member } = await team();
    await enableEnforcement(owner.user.id, accountId, 1, meta);
    const { token, requirement } = await checkPassword(member.email, PASSWORD, meta);
    expect(requirement).toBe("none");
    jar.set(CHALLENGE_COOKIE, token);
    await prisma().account.update({ where: { id: accountId }, data: { enforcedAt: new Date(Date.now() - 2 * HOUR) } });

    expect(await finishSignIn()).toBe(false);
    expect((await openSignIn())?.requirement).toBe("enrol");
  });
});

describe("the session record", () => {
  it("signing out ends the session on the server: a replayed cookie gets nothing anywhere", async () => {
    const member = await makeUser("Leaver");
    const cookie = await signIn(member.email);
    expect((await sessionEndpoint()).uid).toBe(member.id);

    await signOut();
    expect(jar.has(SESSION_COOKIE)).toBe(false);

    jar.set(SESSION_COOKIE, cookie); // the old cookie, kept by an attacker
    expect((await me()).status).toBe(401);
    expect(await pageOutcome()).toBe("/login");
    expect(await profile.updateName({ name: "Replayed" })).toMatchObject({ ok: false, code: ErrorCode.notSignedIn });
    expect(await sessionEndpoint()).toEqual({});
    expect(jar.has(SESSION_COOKIE)).toBe(false); // next-auth cleared it instead of re-signing it
  });

  it("a revoked record is refused even though its cookie is still valid", async () => {
    const member = await makeUser("Revoked");
    const cookie = await signIn(member.email);
    const { sid } = (await decode({ token: cookie, secret })) as { sid: string };
    await prisma().session.update({ where: { id: sid }, data: { revokedAt: new Date() } });
    expect((await me()).status).toBe(401);
    expect(await sessionEndpoint()).toEqual({});
  });

  it("a session ends at its absolute lifetime from sign-in, however often next-auth re-signs it", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    const member = await makeUser("Lingerer");
    const signedInAt = Date.now();
    const firstCookie = await signIn(member.email);
    const deadline = signedInAt + 12 * HOUR; // the absolute lifetime

    for (const hours of [4, 8, 11]) {
      vi.setSystemTime(signedInAt + hours * HOUR);
      const renewed = await sessionEndpoint();
      expect(renewed.uid).toBe(member.id);
      expect(new Date(renewed.expires!).getTime()).toBeLessThanOrEqual(deadline + 5_000);
      const token = (await decode({ token: jar.get(SESSION_COOKIE)!, secret }))!;
      expect((token.exp as number) * 1000).toBeLessThanOrEqual(deadline + 5_000);
      expect((await me()).status).toBe(200);
    }

    vi.setSystemTime(deadline + 60_000);
    expect((await me()).status).toBe(401);
    expect(await pageOutcome()).toBe("/login");
    expect(await sessionEndpoint()).toEqual({});

    // Even a token freshly signed with the server's own secret is refused once its record is over.
    vi.setSystemTime(signedInAt);
    const claims = (await decode({ token: firstCookie, secret }))!;
    vi.setSystemTime(deadline + 60_000);
    jar.set(SESSION_COOKIE, await encode({ token: claims, secret, maxAge: 12 * 60 * 60 }));
    expect((await me()).status).toBe(401);
    expect(await sessionEndpoint()).toEqual({});
    const record = await prisma().session.findUniqueOrThrow({ where: { id: claims.sid as string } });
    expect(Math.abs(record.expiresAt.getTime() - deadline)).toBeLessThan(5_000);
  });

  it("keeps what a sessions list needs, and notes activity at most once a minute", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    const member = await makeUser("Active");
    const cookie = await signIn(member.email);
    const { sid } = (await decode({ token: cookie, secret })) as { sid: string };
    const first = await prisma().session.findUniqueOrThrow({ where: { id: sid } });
    expect(first).toMatchObject({ userId: member.id, ip: "203.0.113.9", userAgent: "vitest browser", revokedAt: null });

    vi.setSystemTime(Date.now() + 30_000);
    expect((await me()).status).toBe(200);
    expect((await prisma().session.findUniqueOrThrow({ where: { id: sid } })).lastSeenAt).toEqual(first.lastSeenAt);

    vi.setSystemTime(Date.now() + 61_000);
    expect((await me()).status).toBe(200);
    const later = await prisma().session.findUniqueOrThrow({ where: { id: sid } });
    expect(later.lastSeenAt.getTime()).toBeGreaterThan(first.lastSeenAt.getTime() + 60_000);
    expect(later.createdAt).toEqual(first.createdAt);
  });

  it("a password change keeps this browser on its own record and ends every other session", async () => {
    const member = await makeUser("Changer");
    const other = await signIn(member.email);
    jar.clear();
    const mine = await signIn(member.email);
    const { sid } = (await decode({ token: mine, secret })) as { sid: string };
    const before = await prisma().session.findUniqueOrThrow({ where: { id: sid } });

    expect(
      (await profile.changePasswordAction({ currentPassword: PASSWORD, newPassword: "a brand new secret" })).ok,
    ).toBe(true);
    const reissued = jar.get(SESSION_COOKIE)!;
    expect(reissued).not.toBe(mine);
    expect(await me()).toMatchObject({ status: 200, body: { id: member.id } });
    const claims = (await decode({ token: reissued, secret }))!;
    expect(claims.sid).toBe(sid);
    expect(claims.exp as number).toBeLessThanOrEqual(Math.ceil(before.expiresAt.getTime() / 1000));
    expect((await prisma().session.findUniqueOrThrow({ where: { id: sid } })).expiresAt).toEqual(before.expiresAt);

    for (const stale of [other, mine]) {
      jar.set(SESSION_COOKIE, stale);
      expect((await me()).status).toBe(401);
    }
  });
});

describe("forced enrolment at sign-in races a password change (10b)", () => {
  const confirm = vi.mocked(enrolment.confirmEnrolment);
  const real = realEnrolment.confirmEnrolment;

  async function enrollingMember() {
    const { owner, accountId, member } = await team();
    await enableEnforcement(owner.user.id, accountId, 0, meta);
    const { token, requirement } = await checkPassword(member.email, PASSWORD, meta);
    expect(requirement).toBe("enrol");
    jar.set(CHALLENGE_COOKIE, token);
    const { secret: totp } = await beginChallengeEnrolment(token);
    return { member, token, code: await totpCode(totp) };
  }

  it("a password change that lands while the code is being checked ends the sign-in and enables nothing", async () => {
    const { member, token, code } = await enrollingMember();
    confirm.mockImplementationOnce(async (...args) => {
      await changePassword(member.id, PASSWORD, "changed by the owner", meta, await sessionNow(member.id));
      return real(...args);
    });
    await expect(finishChallengeEnrolment(token, code, meta)).rejects.toMatchObject({
      code: ErrorCode.challengeExpired,
    });
    expect((await prisma().user.findUniqueOrThrow({ where: { id: member.id } })).totpEnabledAt).toBeNull();
    expect(await finishSignIn()).toBe(false);
  });

  it("a password change that lands just after enabling still ends the sign-in", async () => {
    const { member, token, code } = await enrollingMember();
    confirm.mockImplementationOnce(async (...args) => {
      const result = await real(...args);
      await changePassword(member.id, PASSWORD, "changed by the owner", meta, await sessionNow(member.id));
      return result;
    });
    await finishChallengeEnrolment(token, code, meta).catch(() => undefined);
    expect(await finishSignIn()).toBe(false);
  });
});
