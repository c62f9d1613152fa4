// The second step's statements one by one (lib/auth/sign-in/step-claim, step-accept): what each
// changes when it should, and that it changes nothing when it should not.
import { describe, expect, it } from "vitest";
import { findLiveSession, SESSION_LIFETIME_S } from "@/lib/auth/session-record";
import { checkPassword, grantSession } from "@/lib/auth/sign-in";
import { acceptRecoveryStep, acceptTotpStep } from "@/lib/auth/sign-in/step-accept";
import { claimSecondStepAttempt, type StepClaim } from "@/lib/auth/sign-in/step-claim";
import { AuditType } from "@/lib/audit";
import { secondFactorKey } from "@/lib/two-factor/attempts";
import { env } from "@/lib/env";
import { hashRecoveryCode } from "@/lib/two-factor/recovery-code-hash";
import { normalizeRecoveryCode } from "@/lib/two-factor/recovery-codes";
import { freshDatabasePerFile } from "./database";
import { auditTypes, mailsTo, makeUserWithTwoFactor, meta, PASSWORD } from "./fixtures";

const { prisma } = freshDatabasePerFile();

async function openSignIn() {
  const enrolled = await makeUserWithTwoFactor();
  const { token } = await checkPassword(enrolled.user.email, PASSWORD, meta);
  return { ...enrolled, token };
}
const challengeOf = (userId: string) => prisma().loginChallenge.findFirstOrThrow({ where: { userId } });
const reservations = async (userId: string) => {
  const row = await prisma().rateLimit.findUnique({ where: { key: secondFactorKey(userId) } });
  return ((row?.attempts ?? []) as unknown[]).length;
};

describe("claimSecondStepAttempt", () => {
  it("claims one attempt of the challenge and one of the user, and returns the sealed secret and last step", async () => {
    const { user, token } = await openSignIn();
    const claim = await claimSecondStepAttempt(token);
    const stored = await prisma().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(claim).toMatchObject({
      attempts: 1,
      user: { id: user.id, email: user.email, name: user.name, sessionVersion: stored.sessionVersion },
      totpSecret: stored.totpSecret,
      totpLastStep: stored.totpLastStep,
      attempt: { key: secondFactorKey(user.id), allowed: true, count: 1 },
    });
    expect((await challengeOf(user.id)).attempts).toBe(1);
    expect(await reservations(user.id)).toBe(1);
  });

  it("changes nothing for an expired, spent, satisfied, exhausted or outdated challenge, or none", async () => {
    const { user, token } = await openSignIn();
    const { id } = await challengeOf(user.id);
    const past = new Date(Date.now() - 1000);
    const dead = [
      { expiresAt: past },
      { usedAt: past },
      { satisfiedAt: past },
      { attempts: 5 },
      { userVersion: 99 },
      { requirement: "enrol" },
    ];
    const original = await challengeOf(user.id);
    for (const data of dead) {
      await prisma().loginChallenge.update({ where: { id }, data });
      expect(await claimSecondStepAttempt(token)).toBeNull();
      const after = await prisma().loginChallenge.update({ where: { id }, data: original });
      expect(after.attempts).toBe(original.attempts);
    }
    expect(await claimSecondStepAttempt("not-a-token")).toBeNull();
    expect(await claimSecondStepAttempt(undefined)).toBeNull();
    expect(await reservations(user.id)).toBe(0);
  });

  it("counts the challenge's attempt even when the user is locked out, and reserves nothing then", async () => {
    const { user, token } = await openSignIn();
    const now = new Date().toISOString();
    const full = Array.from({ length: 10 }, (_, i) => ({ id: `x${i}`, at: now }));
    await prisma().rateLimit.create({
      data: { key: secondFactorKey(user.id), attempts: full, expiresAt: new Date(Date.now() + 900_000) },
    });
    const claim = await claimSecondStepAttempt(token);
    expect(claim).toMatchObject({ attempts: 1, attempt: { allowed: false, count: 10 } });
    expect((await challengeOf(user.id)).attempts).toBe(1);
    expect(await reservations(user.id)).toBe(10);
  });
});

describe("acceptTotpStep", () => {
  it("advances to a newer step, gives the attempt back and satisfies the challenge, all at once", async () => {
    const { user, token } = await openSignIn();
    const claim = (await claimSecondStepAttempt(token))!;
    expect(await acceptTotpStep(claim, claim.totpLastStep! + 1)).toEqual({ session: null });
    expect((await prisma().user.findUniqueOrThrow({ where: { id: user.id } })).totpLastStep).toBe(
      claim.totpLastStep! + 1,
    );
    expect((await challengeOf(user.id)).satisfiedAt).not.toBeNull();
    expect(await reservations(user.id)).toBe(0);
  });

  it("refuses the last accepted step or an older one and then changes nothing", async () => {
    const { user, token } = await openSignIn();
    const claim = (await claimSecondStepAttempt(token))!;
    for (const step of [claim.totpLastStep!, claim.totpLastStep! - 1]) {
      expect(await acceptTotpStep(claim, step)).toBeNull();
    }
    expect((await challengeOf(user.id)).satisfiedAt).toBeNull();
    expect(await reservations(user.id)).toBe(1);
    // An authenticator replaced since the claim (2FA turned off and on again, so set up at another
    // time) is not advanced either.
    const replaced = { ...claim, totpEnabledAt: new Date(claim.totpEnabledAt!.getTime() - 1) };
    expect(await acceptTotpStep(replaced, claim.totpLastStep! + 5)).toBeNull();
  });
});

describe("acceptRecoveryStep", () => {
  it("spends the code and, with it, satisfies, gives the attempt back, audits and queues the email", async () => {
    const { user, token, recoveryCodes } = await openSignIn();
    const claim = (await claimSecondStepAttempt(token))!;
    const accepted = await acceptRecoveryStep(claim, normalizeRecoveryCode(recoveryCodes[3]!)!, { meta });
    expect(accepted).toEqual({ remaining: 9, session: null });
    expect(await prisma().recoveryCode.count({ where: { userId: user.id, usedAt: { not: null } } })).toBe(1);
    expect((await challengeOf(user.id)).satisfiedAt).not.toBeNull();
    expect(await reservations(user.id)).toBe(0);
    const events = await prisma().auditEvent.findMany({
      where: { subjectId: user.id, type: AuditType.recoveryCodeUsed },
    });
    const memberships = await prisma().membership.findMany({ where: { userId: user.id } });
    expect(events.map((e) => e.accountId).sort()).toEqual(memberships.map((m) => m.accountId).sort());
    expect(events[0]).toMatchObject({ details: { remaining: 9 }, ip: meta.ip, userAgent: meta.userAgent });
    const mails = (await mailsTo(user.email)).filter((m) => m.subject === "A recovery code was used to sign in");
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toContain("9 unused codes remain");
  });

  it("changes nothing for a used or unknown code", async () => {
    const { user, token, recoveryCodes } = await openSignIn();
    await prisma().recoveryCode.updateMany({ where: { userId: user.id }, data: { usedAt: new Date() } });
    const claim = (await claimSecondStepAttempt(token))!;
    expect(await acceptRecoveryStep(claim, normalizeRecoveryCode(recoveryCodes[0]!)!, { meta })).toBeNull();
    expect(await acceptRecoveryStep(claim, "AAAAABBBBB", { meta })).toBeNull();
    expect((await challengeOf(user.id)).satisfiedAt).toBeNull();
    expect(await reservations(user.id)).toBe(1);
    expect(await auditTypes(user.id)).not.toContain(AuditType.recoveryCodeUsed);
    expect((await mailsTo(user.email)).map((m) => m.subject)).not.toContain("A recovery code was used to sign in");
  });

  it("counts what remains in the same statement: the email for the second-last code says 1 and asks for new ones", async () => {
    const { user, token, recoveryCodes } = await openSignIn();
    const keep = recoveryCodes
      .slice(0, 2)
      .map((code) => hashRecoveryCode(env().totpKeys, user.id, normalizeRecoveryCode(code)!));
    await prisma().recoveryCode.updateMany({
      where: { userId: user.id, codeHash: { notIn: keep } },
      data: { usedAt: new Date() },
    });
    const claim = (await claimSecondStepAttempt(token))!;
    expect(await acceptRecoveryStep(claim, normalizeRecoveryCode(recoveryCodes[1]!)!, { meta })).toEqual({
      remaining: 1,
      session: null,
    });
    const [mail] = (await mailsTo(user.email)).filter((m) => m.subject === "A recovery code was used to sign in");
    expect(mail!.text).toContain("1 unused code remain.");
    expect(mail!.text).toContain("Generate a new set at http://localhost:3000/profile");
  });
});

describe("the accept statement that ends the sign-in (signIn)", () => {
  const liveSession = (claim: StepClaim, id: string) =>
    findLiveSession({ sid: id, uid: claim.user.id, sv: claim.user.sessionVersion, sg: 0 }).then(
      (live) => live?.user.id ?? null,
    );

  it("opens the session, spends the challenge and audits the sign-in in each account, once", async () => {
    const { user, token } = await openSignIn();
    const claim = (await claimSecondStepAttempt(token))!;
    const accepted = await acceptTotpStep(claim, claim.totpLastStep! + 1, { meta, signIn: true });
    const session = accepted!.session!;
    expect(await liveSession(claim, session.id)).toBe(user.id);
    const record = await prisma().session.findUniqueOrThrow({ where: { id: session.id } });
    const { sessionVersion } = claim.user;
    expect(record).toMatchObject({
      userId: user.id,
      userVersion: sessionVersion,
      ip: meta.ip,
      userAgent: meta.userAgent,
    });
    expect(record.expiresAt.getTime() - record.createdAt.getTime()).toBe(SESSION_LIFETIME_S * 1000);
    const challenge = await challengeOf(user.id);
    expect(challenge.satisfiedAt).not.toBeNull();
    expect(challenge.usedAt).not.toBeNull();
    const memberships = await prisma().membership.findMany({ where: { userId: user.id } });
    const signIns = await prisma().auditEvent.findMany({ where: { subjectId: user.id, type: AuditType.signIn } });
    expect(signIns.map((e) => e.accountId).sort()).toEqual(memberships.map((m) => m.accountId).sort());
    // The address is one the user signs in from now, as after any sign-in.
    expect(await prisma().signInAddress.count({ where: { userId: user.id } })).toBe(1);
    // Spent: next-auth's exchange of the same challenge gives nothing.
    expect(await grantSession(token, meta)).toBeNull();
    expect(await prisma().session.count({ where: { userId: user.id } })).toBe(1);
  });

  it("opens nothing and spends nothing when the code lost (a replay)", async () => {
    const { user, token } = await openSignIn();
    const claim = (await claimSecondStepAttempt(token))!;
    expect(await acceptTotpStep(claim, claim.totpLastStep!, { meta, signIn: true })).toBeNull();
    expect(await prisma().session.count({ where: { userId: user.id } })).toBe(0);
    expect((await challengeOf(user.id)).usedAt).toBeNull();
    expect(await auditTypes(user.id)).not.toContain(AuditType.signIn);
  });

  it("opens nothing once the challenge is gone (Sign out other sessions deleted it), though the code is spent", async () => {
    const { user, token } = await openSignIn();
    const claim = (await claimSecondStepAttempt(token))!;
    await prisma().loginChallenge.deleteMany({ where: { userId: user.id } });
    expect(await acceptTotpStep(claim, claim.totpLastStep! + 1, { meta, signIn: true })).toEqual({ session: null });
    expect(await prisma().session.count({ where: { userId: user.id } })).toBe(0);
    expect(await auditTypes(user.id)).not.toContain(AuditType.signIn);
  });

  it("opens nothing for a challenge that expired, or that a password change outdated, since the claim", async () => {
    for (const change of [{ expiresAt: new Date(Date.now() - 1000) }, { userVersion: { decrement: 1 } }] as const) {
      const { user, token } = await openSignIn();
      const claim = (await claimSecondStepAttempt(token))!;
      await prisma().loginChallenge.updateMany({ where: { userId: user.id }, data: change });
      expect(await acceptTotpStep(claim, claim.totpLastStep! + 1, { meta, signIn: true })).toEqual({ session: null });
      expect(await prisma().session.count({ where: { userId: user.id } })).toBe(0);
      expect((await challengeOf(user.id)).usedAt).toBeNull();
      expect(await auditTypes(user.id)).not.toContain(AuditType.signIn);
    }
  });

  it("a recovery code: the code's event and email, then the sign-in, in that order", async () => {
    const { user, token, recoveryCodes } = await openSignIn();
    const claim = (await claimSecondStepAttempt(token))!;
    const accepted = await acceptRecoveryStep(claim, normalizeRecoveryCode(recoveryCodes[2]!)!, { meta, signIn: true });
    expect(accepted?.remaining).toBe(9);
    expect(await liveSession(claim, accepted!.session!.id)).toBe(user.id);
    const events = await prisma().auditEvent.findMany({
      where: { subjectId: user.id, type: { in: [AuditType.recoveryCodeUsed, AuditType.signIn] } },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    });
    const memberships = await prisma().membership.count({ where: { userId: user.id } });
    expect(events.map((e) => e.type)).toEqual([
      ...Array(memberships).fill(AuditType.recoveryCodeUsed),
      ...Array(memberships).fill(AuditType.signIn),
    ]);
    expect((await mailsTo(user.email)).map((m) => m.subject)).toContain("A recovery code was used to sign in");
  });
});
