// Every server action, called directly as an attacker would (no UI): with only the password step
// done, as a member, and as an admin of another account. Each is refused and nothing changes.
import { randomUUID } from "node:crypto";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { enableEnforcement } from "@/lib/accounts/enforcement";
import { inviteMember, acceptInvitation } from "@/lib/accounts/invitations";
import { checkPassword } from "@/lib/auth/sign-in";
import { rememberDevice } from "@/lib/auth/remembered-devices";
import { sessionHandle } from "@/lib/auth/session-list";
import { encodeSessionToken, sessionClaims } from "@/lib/auth/session-token";
import { ErrorCode } from "@/lib/errors";
import { CHALLENGE_COOKIE, jar, SESSION_COOKIE, submitPassword } from "./browser";
import { freshDatabasePerFile } from "./database";
import { asExisting, mailsTo, makeUser, makeUserWithTwoFactor, meta, openTestSession, PASSWORD } from "./fixtures";

vi.mock("next/headers", async () => (await import("./browser")).nextHeaders);

const profile = await import("@/app/(app)/profile/actions");
const shell = await import("@/app/(app)/actions");
const confirm = await import("@/app/(app)/confirm-actions");
const authentication = await import("@/app/(app)/settings/authentication/actions");
const users = await import("@/app/(app)/settings/users/actions");
const login = await import("@/app/(auth)/login/actions");
const sessions = await import("@/app/(app)/profile/session-actions");
const devices = await import("@/app/(app)/profile/device-actions");

const { prisma } = freshDatabasePerFile();
beforeEach(() => jar.clear());

/** A live session for the user, as the sign-in would leave it (record + next-auth's JWT cookie). */
async function signInAs(user: { id: string; email: string; name: string }) {
  const { sessionVersion } = await prisma().user.findUniqueOrThrow({ where: { id: user.id } });
  const session = await openTestSession({ id: user.id, sessionVersion }, meta);
  const token = await encodeSessionToken({
    token: sessionClaims(user, session, sessionVersion),
    secret: process.env.NEXTAUTH_SECRET!,
  });
  jar.set(SESSION_COOKIE, token);
}

/** Every action that needs a session, with input that would succeed for a rightful caller. */
function everyProtectedAction(target: {
  membershipId: string;
  invitationId: string;
  accountId: string;
  code: string;
  ownerSession: string;
  ownerDevice: string;
}) {
  return {
    "profile.updateName": () => profile.updateName({ name: "Mallory" }),
    "profile.changePassword": () =>
      profile.changePasswordAction({ currentPassword: PASSWORD, newPassword: "taken over!" }),
    "profile.confirmPasswordAgain": () => profile.confirmPasswordAgain({ password: PASSWORD }),
    "profile.startEnrolment": () => profile.startEnrolment({}),
    "profile.enableTwoFactor": () => profile.enableTwoFactor({ code: target.code }),
    "profile.turnOffTwoFactor": () => profile.turnOffTwoFactor({ method: "totp", code: target.code }),
    "profile.regenerateCodes": () => profile.regenerateCodes({ method: "totp", code: target.code }),
    "profile.removeAuthenticator": () => profile.removeAuthenticator({ method: "totp", code: target.code }),
    "confirm.keyOptions": () => confirm.confirmKeyOptions({}),
    "sessions.signOutSession": () => sessions.signOutSession({ handle: target.ownerSession }),
    "sessions.signOutOthers": () => sessions.signOutOtherSessions({}),
    "devices.forget": () => devices.forgetRememberedDevice({ deviceId: target.ownerDevice }),
    "devices.forgetAll": () => devices.forgetAllRememberedDevices({}),
    "shell.switchAccount": () => shell.switchAccount({ accountId: target.accountId }),
    ...accountAdminActions(target),
  };
}

/** The account-admin actions, each naming the account it acts on (as its page does), `target.accountId`. */
function accountAdminActions(target: { accountId: string; membershipId: string; invitationId: string; code: string }) {
  const { accountId } = target;
  return {
    "authentication.enforce": () => authentication.enforceTwoFactor({ accountId, graceHours: "0" }),
    "authentication.stop": () =>
      authentication.stopEnforcingTwoFactor({ accountId, method: "totp", code: target.code }),
    "authentication.rememberDays": () => authentication.setRememberDays({ accountId, days: "90" }),
    "users.invite": () => users.invite({ accountId, email: "evil@example.com", role: "owner" }),
    "users.resendInvite": () => users.resendInvite({ accountId, invitationId: target.invitationId }),
    "users.revokeInvite": () => users.revokeInvite({ accountId, invitationId: target.invitationId }),
    "users.setRole": () => users.setRole({ accountId, membershipId: target.membershipId, role: "member" }),
    "users.remove": () => users.remove({ accountId, membershipId: target.membershipId }),
    "users.resetTwoFactor": () => users.resetTwoFactor({ accountId, membershipId: target.membershipId }),
  };
}

async function snapshot() {
  const [u, a, m, i, s, d] = await Promise.all([
    prisma().user.findMany({
      orderBy: { id: "asc" },
      select: { name: true, passwordHash: true, totpSecret: true, sessionVersion: true },
    }),
    prisma().account.findMany({ orderBy: { id: "asc" } }),
    prisma().membership.findMany({ orderBy: { id: "asc" } }),
    prisma().invitation.findMany({ orderBy: { id: "asc" } }),
    prisma().session.findMany({ orderBy: { id: "asc" }, select: { id: true, userVersion: true, revokedAt: true } }),
    prisma().rememberedDevice.findMany({ orderBy: { id: "asc" } }),
  ]);
  return JSON.stringify({ u, a, m, i, s, d });
}

async function world() {
  const owner = await makeUserWithTwoFactor("Owner");
  const { accountId } = await prisma().membership.findFirstOrThrow({ where: { userId: owner.user.id } });
  const member = await makeUserWithTwoFactor("Member");
  await inviteMember(owner.user.id, accountId, member.user.email, "member", meta);
  const token = (await mailsTo(member.user.email)).at(-1)!.text.match(/invite\/([\w-]+)/)![1]!;
  await acceptInvitation(token, await asExisting(member.user), meta);
  const pending = `pending-${randomUUID().slice(0, 8)}@example.com`; // an address gets 5 invitations an hour
  await inviteMember(owner.user.id, accountId, pending, "member", meta);
  const ownerMembership = await prisma().membership.findFirstOrThrow({ where: { userId: owner.user.id } });
  const invitation = await prisma().invitation.findFirstOrThrow({ where: { email: pending } });
  // The owner signed in elsewhere: the session "Sign out" would end.
  const { sessionVersion } = await prisma().user.findUniqueOrThrow({ where: { id: owner.user.id } });
  const ownerSession = await openTestSession({ id: owner.user.id, sessionVersion }, meta);
  // …and ticked "Don't ask again" there: the device "Forget" would end.
  await rememberDevice({ id: owner.user.id, sessionVersion }, meta);
  const ownerDevice = await prisma().rememberedDevice.findFirstOrThrow({ where: { userId: owner.user.id } });
  return {
    owner,
    member,
    accountId,
    membershipId: ownerMembership.id,
    invitationId: invitation.id,
    ownerSession: sessionHandle(ownerSession.id),
    ownerDevice: ownerDevice.id,
  };
}

describe("server actions called directly", () => {
  it("with only the password done (2FA pending), every protected action answers as for a stranger", async () => {
    const w = await world();
    const { token } = await checkPassword(w.owner.user.email, PASSWORD, meta);
    jar.set(CHALLENGE_COOKIE, token);
    const before = await snapshot();
    const actions = everyProtectedAction({ ...w, code: await w.owner.nextCode() });
    for (const [name, call] of Object.entries(actions)) {
      const result = await call();
      expect({ name, code: result.code }).toEqual({ name, code: ErrorCode.notSignedIn });
    }
    // Nor can the pending sign-in enrol a new authenticator of the attacker's own.
    expect((await login.startLoginEnrolment({})).code).toBe(ErrorCode.challengeExpired);
    expect(await snapshot()).toBe(before);
  });

  it("a member is refused every account-admin action", async () => {
    const w = await world();
    await signInAs(w.member.user);
    jar.set("twofold.account", w.accountId); // working in the owner's account (their own they may manage)
    const before = await snapshot();
    const actions = everyProtectedAction({ ...w, code: await w.member.nextCode() });
    for (const name of Object.keys(actions).filter((n) => n.startsWith("authentication.") || n.startsWith("users."))) {
      const result = await actions[name as keyof typeof actions]();
      expect({ name, code: result.code }).toEqual({ name, code: ErrorCode.forbidden });
    }
    expect(await snapshot()).toBe(before);
    const denied = await prisma().auditEvent.count({
      where: { accountId: w.accountId, actorId: w.member.user.id, type: "access.denied" },
    });
    expect(denied).toBe(9);
  });

  it("an admin of another account cannot reach this account's members or invitations", async () => {
    const w = await world();
    const outsider = await makeUserWithTwoFactor("Outsider");
    await signInAs(outsider.user);
    const before = await snapshot();
    const own = await prisma().membership.findFirstOrThrow({ where: { userId: outsider.user.id } });
    for (const call of [
      // Naming their own account, with this account's ids…
      () => users.remove({ accountId: own.accountId, membershipId: w.membershipId }),
      () => users.resetTwoFactor({ accountId: own.accountId, membershipId: w.membershipId }),
      () => users.setRole({ accountId: own.accountId, membershipId: w.membershipId, role: "member" }),
      () => users.revokeInvite({ accountId: own.accountId, invitationId: w.invitationId }),
      // …or naming this account.
      () => users.remove({ accountId: w.accountId, membershipId: w.membershipId }),
      () => users.revokeInvite({ accountId: w.accountId, invitationId: w.invitationId }),
      () => shell.switchAccount({ accountId: w.accountId }),
    ]) {
      expect([ErrorCode.notFound, ErrorCode.forbidden]).toContain((await call()).code);
    }
    expect(await snapshot()).toBe(before);
  });

  it("an admin without 2FA cannot enforce, whatever the browser sends", async () => {
    const bare = await makeUser("Bare");
    await signInAs(bare);
    const { accountId } = await prisma().membership.findFirstOrThrow({ where: { userId: bare.id } });
    const result = await authentication.enforceTwoFactor({ accountId, graceHours: "0" });
    expect(result.code).toBe(ErrorCode.ownTwoFactorFirst);
    expect(await prisma().auditEvent.count({ where: { actorId: bare.id, type: "access.denied" } })).toBe(1);
    expect(
      await prisma().account.count({ where: { enforceTwoFactor: true, memberships: { some: { userId: bare.id } } } }),
    ).toBe(0);
  });

  it("bad input gets field errors and changes nothing", async () => {
    const w = await world();
    await signInAs(w.owner.user);
    const before = await snapshot();
    const { accountId } = w;
    const results = await Promise.all([
      authentication.enforceTwoFactor({ accountId, graceHours: "721" }),
      authentication.enforceTwoFactor({ accountId, graceHours: "-1" }),
      authentication.enforceTwoFactor({ accountId, graceHours: "abc" }),
      authentication.setRememberDays({ accountId, days: "91" }),
      authentication.setRememberDays({ accountId, days: "-1" }),
      authentication.setRememberDays({ accountId, days: "1.5" }),
      authentication.setRememberDays({ accountId, days: "abc" }),
      authentication.setRememberDays({ accountId, days: "" }),
      devices.forgetRememberedDevice({ deviceId: "" }),
      users.invite({ accountId, email: "not-an-email", role: "member" }),
      users.setRole({ accountId, membershipId: w.membershipId, role: "superuser" }),
      profile.updateName({ name: "x".repeat(101) }),
      profile.turnOffTwoFactor({ method: "sms", code: "123456" }),
      profile.enableTwoFactor({}),
    ]);
    for (const result of results) {
      expect(result.code).toBe(ErrorCode.invalidInput);
      expect(Object.keys(result.fieldErrors ?? {})).not.toHaveLength(0);
    }
    expect(await snapshot()).toBe(before);
  });

  // PostgreSQL text cannot hold U+0000, nor UTF-8 half of a surrogate pair (lib/pg-text.ts).
  for (const [what, bad] of [
    ["U+0000", "\u0000"],
    ["half of a surrogate pair", "\ud800"],
  ]) {
    it(`${what} anywhere in the input is invalid input, never a database error, and changes nothing`, async () => {
      const w = await world();
      await signInAs(w.owner.user);
      const before = await snapshot();
      const results = await Promise.all([
        devices.forgetRememberedDevice({ deviceId: `device${bad}id` }),
        sessions.signOutSession({ handle: `handle${bad}` }),
        users.setRole({ accountId: w.accountId, membershipId: `m${bad}`, role: "member" }),
        users.invite({ accountId: `${w.accountId}${bad}`, email: "a@example.com", role: "member" }),
        profile.updateName({ name: `Ada${bad}Lovelace` }),
        submitPassword({ email: "owner@example.com", password: `pass${bad}word` }),
      ]);
      for (const result of results) expect(result.code).toBe(ErrorCode.invalidInput);
      expect(await snapshot()).toBe(before);
    });
  }

  it("a signed-in member an account now requires to enrol is refused everything but the enrolment steps", async () => {
    const w = await world();
    const bare = await makeUser("Unenrolled");
    await prisma().membership.create({ data: { userId: bare.id, accountId: w.accountId, role: "admin" } });
    await signInAs(bare);
    await enableEnforcement(w.owner.user.id, w.accountId, 0, meta);
    jar.set("twofold.account", w.accountId);
    const before = await snapshot();
    const actions = everyProtectedAction({ ...w, code: "123456" });
    const enrolmentSteps = ["profile.confirmPasswordAgain", "profile.startEnrolment", "profile.enableTwoFactor"];
    for (const [name, call] of Object.entries(actions).filter(([n]) => !enrolmentSteps.includes(n))) {
      const result = await call();
      expect({ name, code: result.code }).toEqual({ name, code: ErrorCode.enrolmentRequired });
    }
    expect(await snapshot()).toBe(before);
    expect((await profile.startEnrolment({})).ok).toBe(true);
    expect((await profile.enableTwoFactor({ code: "000000" })).code).toBe(ErrorCode.invalidCode);
  });

  it("a signed-in owner's direct call works, and bumping the session version ends that session", async () => {
    const w = await world();
    await signInAs(w.owner.user);
    expect((await profile.updateName({ name: "Renamed" })).ok).toBe(true);
    await prisma().user.update({ where: { id: w.owner.user.id }, data: { sessionVersion: { increment: 1 } } });
    expect((await profile.updateName({ name: "Again" })).code).toBe(ErrorCode.notSignedIn);
  });
});

describe("the profile's remembered devices and the account's days", () => {
  it("a user forgets only their own devices: another user's id is refused and changes nothing", async () => {
    const w = await world();
    await signInAs(w.member.user);
    const before = await snapshot();
    const refused = await devices.forgetRememberedDevice({ deviceId: w.ownerDevice });
    expect(refused).toMatchObject({ ok: false, code: ErrorCode.deviceNotFound });
    expect(refused.error).toMatch(/not one of your remembered devices/);
    expect((await devices.forgetAllRememberedDevices({})).data).toEqual({ count: 0 });
    expect(await snapshot()).toBe(before);

    await signInAs(w.owner.user);
    expect((await devices.forgetRememberedDevice({ deviceId: w.ownerDevice })).ok).toBe(true);
    expect(await prisma().rememberedDevice.count({ where: { userId: w.owner.user.id } })).toBe(0);
    expect(
      await prisma().auditEvent.count({ where: { actorId: w.owner.user.id, type: "device.forgotten" } }),
    ).toBeGreaterThan(0);
  });

  it("an owner sets the days, and it is audited with what it was", async () => {
    const w = await world();
    await signInAs(w.owner.user);
    expect((await authentication.setRememberDays({ accountId: w.accountId, days: "0" })).data).toEqual({ days: 0 });
    const account = await prisma().account.findUniqueOrThrow({ where: { id: w.accountId } });
    expect(account.rememberDeviceDays).toBe(0);
    const event = await prisma().auditEvent.findFirstOrThrow({
      where: { accountId: w.accountId, type: "enforcement.remember_days" },
    });
    expect(event.details).toMatchObject({ days: 0, from: 30 });
  });
});

describe("the account an admin action applies to", () => {
  /** An admin of two accounts: A (their own, with 2FA) and B (someone else's, where they are admin). */
  async function adminOfTwo() {
    const admin = await makeUserWithTwoFactor("Admin");
    const { accountId: accountA } = await prisma().membership.findFirstOrThrow({ where: { userId: admin.user.id } });
    const other = await makeUserWithTwoFactor("OtherOwner");
    const { accountId: accountB } = await prisma().membership.findFirstOrThrow({ where: { userId: other.user.id } });
    await prisma().membership.create({ data: { userId: admin.user.id, accountId: accountB, role: "admin" } });
    await signInAs(admin.user);
    return { admin, accountA, accountB, other };
  }

  it("a page opened for account A acts on A after the account was switched to B in another tab", async () => {
    const { admin, accountA, accountB } = await adminOfTwo();
    // Tab 1 shows /settings/users of account A; tab 2 switches to account B.
    expect((await shell.switchAccount({ accountId: accountB })).ok).toBe(true);
    // Tab 1's forms, submitted: they name account A, the account the admin saw (and confirmed).
    expect((await users.invite({ accountId: accountA, email: "friend@example.com", role: "admin" })).ok).toBe(true);
    const invitations = await prisma().invitation.findMany({ where: { email: "friend@example.com" } });
    expect(invitations.map((i) => i.accountId)).toEqual([accountA]);
    expect((await authentication.setRememberDays({ accountId: accountA, days: "7" })).ok).toBe(true);
    expect((await authentication.enforceTwoFactor({ accountId: accountA, graceHours: "0" })).ok).toBe(true);
    const [a, b] = await Promise.all(
      [accountA, accountB].map((id) => prisma().account.findUniqueOrThrow({ where: { id } })),
    );
    expect([a!.rememberDeviceDays, a!.enforceTwoFactor]).toEqual([7, true]);
    expect([b!.rememberDeviceDays, b!.enforceTwoFactor]).toEqual([30, false]);
    // Stopping enforcement (confirmed with a code) also lowers A's protection only.
    await prisma().account.update({
      where: { id: accountB },
      data: { enforceTwoFactor: true, enforcedAt: new Date() },
    });
    const stop = await authentication.stopEnforcingTwoFactor({
      accountId: accountA,
      method: "totp",
      code: await admin.nextCode(),
    });
    expect(stop.ok).toBe(true);
    expect((await prisma().account.findUniqueOrThrow({ where: { id: accountA } })).enforceTwoFactor).toBe(false);
    expect((await prisma().account.findUniqueOrThrow({ where: { id: accountB } })).enforceTwoFactor).toBe(true);
  });

  it("a forged account (another's, one where the caller is only a member, garbage, none) is refused and changes nothing", async () => {
    const { admin, accountA, accountB, other } = await adminOfTwo();
    const stranger = await makeUser("Stranger");
    const { accountId: foreign } = await prisma().membership.findFirstOrThrow({ where: { userId: stranger.id } });
    // Account C, where the admin is a plain member (and whose cookie names it, as a switch would leave it).
    const ownerC = await makeUser("OwnerC");
    const { accountId: accountC } = await prisma().membership.findFirstOrThrow({ where: { userId: ownerC.id } });
    await prisma().membership.create({ data: { userId: admin.user.id, accountId: accountC, role: "member" } });
    jar.set("twofold.account", accountA); // the cookie names an account the admin manages: it must not matter
    const inB = await prisma().membership.findFirstOrThrow({ where: { userId: other.user.id } });
    await inviteMember(other.user.id, accountB, "pending-b@example.com", "member", meta);
    const invitation = await prisma().invitation.findFirstOrThrow({ where: { email: "pending-b@example.com" } });
    const target = { membershipId: inB.id, invitationId: invitation.id, code: await admin.nextCode() };
    const before = await snapshot();
    const forged: [unknown, ErrorCode][] = [
      [foreign, ErrorCode.forbidden],
      [accountC, ErrorCode.forbidden],
      ["no-such-account", ErrorCode.forbidden],
      ["x".repeat(41), ErrorCode.invalidInput],
      ["", ErrorCode.invalidInput],
      [{ not: "" }, ErrorCode.invalidInput],
      [[accountA], ErrorCode.invalidInput],
      [123, ErrorCode.invalidInput],
      [undefined, ErrorCode.invalidInput],
    ];
    for (const [accountId, code] of forged) {
      for (const [name, call] of Object.entries(accountAdminActions({ ...target, accountId: accountId as string }))) {
        const result = await call();
        expect({ name, accountId, code: result.code }).toEqual({ name, accountId, code });
      }
    }
    expect(await snapshot()).toBe(before);
    // Each refusal for want of rights is audited. Naming an account they are not in is recorded as the
    // admin's own doing (in each of their accounts' logs: A, B, C), never in the named account's log;
    // naming C, where they are a member, in C's.
    const denied = await prisma().auditEvent.findMany({
      where: { actorId: admin.user.id, type: "access.denied" },
      select: { accountId: true },
    });
    const count = (id: string) => denied.filter((e) => e.accountId === id).length;
    expect([count(accountA), count(accountB), count(accountC)]).toEqual([18, 18, 27]);
    expect(count(foreign)).toBe(0);
  });
});

describe("the members CSV export", () => {
  const csvRoute = () => import("@/app/(app)/settings/users/export.csv/route");
  const get = async (query: string) =>
    (await csvRoute()).GET(new Request(`http://localhost:3000/settings/users/export.csv${query}`));

  it("exports the account it names, whatever the account cookie says, and only for its owners and admins", async () => {
    const w = await world();
    const admin = await makeUserWithTwoFactor("TwoHats");
    const { accountId: own } = await prisma().membership.findFirstOrThrow({ where: { userId: admin.user.id } });
    await prisma().membership.create({ data: { userId: admin.user.id, accountId: w.accountId, role: "admin" } });
    await signInAs(admin.user);
    jar.set("twofold.account", own); // switched to their own account in another tab
    const answer = await get(`?account=${w.accountId}`);
    expect(answer.status).toBe(200);
    const text = await answer.text();
    expect(text).toContain(w.owner.user.email);
    expect(text).toContain(w.member.user.email);
    // No account named, garbage, or an account of someone else: the same 404 as any refusal.
    for (const query of ["", "?account=", "?account=nope", `?account=${"x".repeat(500)}`]) {
      expect({ query, status: (await get(query)).status }).toEqual({ query, status: 404 });
    }
    // A member of the account (not an admin) is refused it, even with the cookie naming it.
    await signInAs(w.member.user);
    jar.set("twofold.account", w.accountId);
    expect((await get(`?account=${w.accountId}`)).status).toBe(404);
  });
});
