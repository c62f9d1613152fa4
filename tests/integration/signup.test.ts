// Sign-up with email verification, and the forgot-password form: neither tells whether an address
// has an account, by its answer or by how long it takes, and a sign-up link makes one account once.
import { randomUUID } from "node:crypto";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { acceptInvitation, inviteMember } from "@/lib/accounts/invitations";
import { checkPassword } from "@/lib/auth/sign-in";
import { confirmSignup, findPendingSignup, requestSignup, SIGNUP_CONFIRM_ATTEMPTS } from "@/lib/auth/signup";
import { ErrorCode } from "@/lib/errors";
import { freshDatabasePerFile } from "./database";
import { mailsTo, makeUser, meta, PASSWORD } from "./fixtures";

let clientIp = "203.0.113.50";
const jar = new Map<string, string>();
vi.mock("next/headers", () => ({
  headers: async () => new Headers({ "x-forwarded-for": clientIp, host: "localhost:3000" }),
  cookies: async () => ({
    get: (name: string) => (jar.has(name) ? { name, value: jar.get(name)! } : undefined),
    set: (name: string, value: string) => void jar.set(name, value),
    delete: (name: string) => void jar.delete(name),
  }),
}));

// Next's after(): the work runs once the response has gone. Here it waits until the test says so.
const afterResponse: (() => unknown)[] = [];
vi.mock("next/server", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next/server")>()),
  after: (task: (() => unknown) | Promise<unknown>) =>
    void afterResponse.push(typeof task === "function" ? task : () => task),
}));
async function respondThenRunLateWork() {
  while (afterResponse.length) await afterResponse.shift()!();
}

const signupActions = await import("@/app/(auth)/signup/actions");
const resetActions = await import("@/app/(auth)/forgot-password/actions");

const { prisma } = freshDatabasePerFile();
let testNumber = 0;
beforeEach(() => {
  jar.clear();
  afterResponse.length = 0;
  // Each test its own address: two tests on one address share its per-IP limits (a random pick
  // collided now and then, and the 20-requests test then failed at its 19th).
  clientIp = `203.0.113.${++testNumber}`;
});

const freshEmail = (name: string) => `${name}-${randomUUID().slice(0, 8)}@example.com`;
const linkToken = (text: string) => text.match(/\/signup\/verify\/([\w-]+)/)![1]!;

async function userState(userId: string) {
  const [user, memberships, accounts] = await Promise.all([
    prisma().user.findUniqueOrThrow({ where: { id: userId } }),
    prisma().membership.findMany({ where: { userId }, orderBy: { id: "asc" } }),
    prisma().account.count(),
  ]);
  return JSON.stringify({ user, memberships, accounts });
}

/** A pending sign-up as the form makes it; returns the token from the emailed link. */
async function pendingSignup(email = freshEmail("new"), password = PASSWORD) {
  await requestSignup({ name: "New Person", email, password }, meta);
  const mail = (await mailsTo(email)).at(-1)!;
  return { email, token: linkToken(mail.text) };
}

describe("sign-up answers the same for a new and a taken address", () => {
  it("the action answers identically, before any lookup, database write or mail", async () => {
    const owner = await makeUser("Owner");
    const before = await userState(owner.id);
    const email = freshEmail("newcomer");
    const forNew = await signupActions.signUp({ name: "Newcomer", email, password: PASSWORD });
    const forTaken = await signupActions.signUp({
      name: "Intruder",
      email: owner.email.toUpperCase(),
      password: "another password",
    });
    expect(forNew).toEqual({ ok: true, data: { sent: true } });
    expect(forTaken).toEqual(forNew);
    expect(jar.size).toBe(0); // no sign-in started for anyone
    expect(await mailsTo(email)).toHaveLength(0);
    expect(await mailsTo(owner.email)).toHaveLength(0);
    expect(await prisma().pendingSignup.count()).toBe(0);
    expect(await prisma().user.count({ where: { email } })).toBe(0);

    await respondThenRunLateWork();
    expect((await mailsTo(email)).map((m) => m.subject)).toEqual(["Confirm your email for Twofold"]);
    expect((await mailsTo(owner.email)).map((m) => m.subject)).toEqual(["Someone tried to sign up with your email"]);
    expect(await userState(owner.id)).toBe(before);
  });

  it("the taken address's owner is told, with links to sign in and reset, and nothing of theirs changes", async () => {
    const owner = await makeUser("Taken");
    const before = await userState(owner.id);
    await requestSignup({ name: "Someone Else", email: owner.email, password: "someone else's password" }, meta);
    const [mail] = await mailsTo(owner.email);
    expect(mail!.text).toContain("http://localhost:3000/login");
    expect(mail!.text).toContain("http://localhost:3000/forgot-password");
    expect(mail!.text).not.toMatch(/signup\/verify/);
    expect(await userState(owner.id)).toBe(before);
    expect(await prisma().pendingSignup.count({ where: { email: owner.email } })).toBe(0);
    await expect(checkPassword(owner.email, "someone else's password", meta)).rejects.toMatchObject({
      code: ErrorCode.invalidCredentials,
    });
    await expect(checkPassword(owner.email, PASSWORD, meta)).resolves.toMatchObject({ requirement: "none" });
    const events = await prisma().auditEvent.findMany({
      where: { subjectId: owner.id, type: "sign_up.existing_email" },
    });
    expect(events).toHaveLength(1);
  });

  it("both paths hash the password and send one email, so the late work looks alike too", async () => {
    const owner = await makeUser("Alike");
    const email = freshEmail("alike");
    await requestSignup({ name: "A", email, password: PASSWORD }, meta);
    await requestSignup({ name: "B", email: owner.email, password: PASSWORD }, meta);
    expect(await mailsTo(email)).toHaveLength(1);
    expect(await mailsTo(owner.email)).toHaveLength(1);
  });

  it("sends at most 5 emails per address per hour, silently", async () => {
    const owner = await makeUser("Flooded");
    for (let i = 0; i < 7; i++)
      await requestSignup(
        { name: "Flood", email: owner.email, password: PASSWORD },
        { ...meta, ip: `198.51.100.${i}` },
      );
    expect(await mailsTo(owner.email)).toHaveLength(5);
  });

  it("keeps the per-IP limit of 20 sign-ups an hour, whatever the addresses", async () => {
    for (let i = 0; i < 20; i++)
      expect((await signupActions.signUp({ name: "Bot", email: freshEmail(`bot${i}`), password: PASSWORD })).ok).toBe(
        true,
      );
    const refused = await signupActions.signUp({ name: "Bot", email: freshEmail("bot-extra"), password: PASSWORD });
    expect(refused.code).toBe(ErrorCode.rateLimited);
  });

  it("counts a whole IPv6 /64 as one client, for sign-up and for reset requests", async () => {
    const prefix = `2001:db8:${Math.floor(Math.random() * 0xffff).toString(16)}:1`;
    for (let i = 0; i < 20; i++) {
      clientIp = `${prefix}::${(i + 1).toString(16)}`;
      expect(
        (await signupActions.signUp({ name: "Hopper", email: freshEmail(`hop${i}`), password: PASSWORD })).ok,
      ).toBe(true);
      expect((await resetActions.askForReset({ email: freshEmail(`hop${i}`) })).ok).toBe(true);
    }
    clientIp = `${prefix}::ffff`;
    const signup = await signupActions.signUp({ name: "Hopper", email: freshEmail("hop-extra"), password: PASSWORD });
    const reset = await resetActions.askForReset({ email: freshEmail("hop-extra") });
    expect([signup.code, reset.code]).toEqual([ErrorCode.rateLimited, ErrorCode.rateLimited]);
    expect(signup.error).toMatch(/Try again after /);
  });

  it("bad input gets field errors and starts nothing", async () => {
    const result = await signupActions.signUp({ name: "", email: "not-an-email", password: "short" });
    expect(result.code).toBe(ErrorCode.invalidInput);
    expect(Object.keys(result.fieldErrors ?? {}).sort()).toEqual(["email", "name", "password"]);
    expect(afterResponse).toHaveLength(0);
  });
});

describe("the verification link", () => {
  it("stores only hashes, and an unverified address can neither sign in nor block anyone", async () => {
    const { email, token } = await pendingSignup();
    const row = await prisma().pendingSignup.findFirstOrThrow({ where: { email } });
    expect(row.tokenHash).not.toBe(token);
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await prisma().user.count({ where: { email } })).toBe(0);
    await expect(checkPassword(email, PASSWORD, meta)).rejects.toMatchObject({ code: ErrorCode.invalidCredentials });
    expect(await findPendingSignup(token)).toEqual({ email });
  });

  it("with the password chosen at sign-up, creates the user and their own account, once", async () => {
    const { email, token } = await pendingSignup();
    const { id: userId } = await confirmSignup(token, PASSWORD, meta);
    const user = await prisma().user.findUniqueOrThrow({
      where: { id: userId },
      include: { memberships: { include: { account: true } } },
    });
    expect(user).toMatchObject({ email, name: "New Person" });
    expect(user.memberships.map((m) => [m.role, m.account.name])).toEqual([["owner", "New Person's account"]]);
    await expect(checkPassword(email, PASSWORD, meta)).resolves.toMatchObject({ requirement: "none" });
    await expect(confirmSignup(token, PASSWORD, meta)).rejects.toMatchObject({ code: ErrorCode.invalidLink });
    expect(await findPendingSignup(token)).toBeNull();
    expect(await prisma().auditEvent.count({ where: { actorId: userId, type: "sign_up" } })).toBe(1);
  });

  it("a wrong password does not use the link; after 5 wrong ones the link is dead", async () => {
    const { email, token } = await pendingSignup();
    await expect(confirmSignup(token, "not the password", meta)).rejects.toMatchObject({
      code: ErrorCode.wrongPassword,
    });
    expect(await findPendingSignup(token)).toEqual({ email });
    for (let i = 1; i < SIGNUP_CONFIRM_ATTEMPTS; i++)
      await confirmSignup(token, `wrong ${i} password`, meta).catch(() => {});
    await expect(confirmSignup(token, PASSWORD, meta)).rejects.toMatchObject({ code: ErrorCode.invalidLink });
    expect(await findPendingSignup(token)).toBeNull();
    expect(await prisma().user.count({ where: { email } })).toBe(0);
  });

  it("10 parallel uses of one link make exactly one user and one account", async () => {
    const { email, token } = await pendingSignup();
    const accountsBefore = await prisma().account.count();
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => confirmSignup(token, PASSWORD, meta)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results.filter((r) => r.status === "rejected"))
      expect((r as PromiseRejectedResult).reason.code).toBe(ErrorCode.invalidLink);
    expect(await prisma().user.count({ where: { email } })).toBe(1);
    expect(await prisma().account.count()).toBe(accountsBefore + 1);
  });

  it("an expired link is refused and creates nothing", async () => {
    const { email, token } = await pendingSignup();
    await prisma().pendingSignup.updateMany({ where: { email }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await findPendingSignup(token)).toBeNull();
    await expect(confirmSignup(token, PASSWORD, meta)).rejects.toMatchObject({ code: ErrorCode.invalidLink });
    expect(await prisma().user.count({ where: { email } })).toBe(0);
  });

  it("of two sign-ups of one address, the first link followed wins and the other is refused cleanly", async () => {
    const email = freshEmail("twice");
    const first = await pendingSignup(email);
    const second = await pendingSignup(email, "a second password");
    expect(first.token).not.toBe(second.token);
    await confirmSignup(second.token, "a second password", meta);
    await expect(confirmSignup(first.token, PASSWORD, meta)).rejects.toMatchObject({ code: ErrorCode.invalidLink });
    expect(await prisma().user.count({ where: { email } })).toBe(1);
    expect(await prisma().pendingSignup.count({ where: { email } })).toBe(0);
  });

  it("refuses cleanly when the address got an account meanwhile (an invitation), and changes nothing", async () => {
    const admin = await makeUser("Inviter");
    const { accountId } = await prisma().membership.findFirstOrThrow({ where: { userId: admin.id } });
    const { email, token } = await pendingSignup(freshEmail("invited"));
    await inviteMember(admin.id, accountId, email, "member", meta);
    const invite = (await mailsTo(email)).find((m) => m.subject.includes("invited you"))!;
    const { id: invitedId } = await acceptInvitation(
      invite.text.match(/invite\/([\w-]+)/)![1]!,
      { kind: "new", name: "Invited", password: "the invited password" },
      meta,
    );
    const before = await userState(invitedId);

    await expect(confirmSignup(token, PASSWORD, meta)).rejects.toMatchObject({ code: ErrorCode.emailTaken });
    expect(await userState(invitedId)).toBe(before);
    expect(await prisma().user.count({ where: { email } })).toBe(1);
    expect(await findPendingSignup(token)).toBeNull();
    await expect(checkPassword(email, "the invited password", meta)).resolves.toBeTruthy();
  });

  it("the confirm action continues into the usual sign-in challenge", async () => {
    const { token } = await pendingSignup();
    const result = await signupActions.confirmSignupAction({ token, password: PASSWORD });
    expect(result).toEqual({ ok: true, data: { requirement: "none" } });
    expect(jar.get("twofold.challenge")).toMatch(/^[\w-]{43}$/);
  });
});

describe("forgot password answers the same for a known and an unknown address", () => {
  it("the action answers identically, before any lookup or mail", async () => {
    const user = await makeUser("Forgetful");
    const ghost = freshEmail("ghost");
    const known = await resetActions.askForReset({ email: user.email });
    const unknown = await resetActions.askForReset({ email: ghost });
    expect(known).toEqual({ ok: true, data: { sent: true } });
    expect(unknown).toEqual(known);
    expect(await mailsTo(user.email)).toHaveLength(0);
    expect(await prisma().passwordResetToken.count({ where: { userId: user.id } })).toBe(0);

    await respondThenRunLateWork();
    expect((await mailsTo(user.email)).map((m) => m.subject)).toEqual(["Reset your Twofold password"]);
    expect(await mailsTo(ghost)).toHaveLength(0);
  });

  it("limits one IP to 20 requests an hour, whatever the addresses", async () => {
    for (let i = 0; i < 20; i++)
      expect((await resetActions.askForReset({ email: freshEmail(`probe${i}`) })).ok).toBe(true);
    const refused = await resetActions.askForReset({ email: freshEmail("probe-extra") });
    expect(refused.code).toBe(ErrorCode.rateLimited);
    clientIp = "198.51.100.77";
    expect((await resetActions.askForReset({ email: freshEmail("elsewhere") })).ok).toBe(true);
  });
});
