// Findings of two reviews of main (helpers 38 and 39, 2026-12-05), and of a third of their fixes
// (helper 40): each test failed on the code as reviewed and shows what an attacker or a careless
// client sees now.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { enableEnforcement } from "@/lib/accounts/enforcement";
import { acceptInvitation, inviteMember } from "@/lib/accounts/invitations";
import { setRememberDeviceDays } from "@/lib/accounts/remember-days";
import { forgetAllOwnDevices, rememberDevice } from "@/lib/auth/remembered-devices";
import { checkPassword } from "@/lib/auth/sign-in";
import { redeemChallenge } from "@/lib/auth/sign-in/challenge";
import { AuditType } from "@/lib/audit";
import { ErrorCode } from "@/lib/errors";
import { deliverOutbox, queueMail, type Transport } from "@/lib/mail/outbox";
import { renameWebAuthnCredential } from "@/lib/two-factor/webauthn/credentials";
import { SoftAuthenticator } from "../support/soft-authenticator";
import { CHALLENGE_COOKIE, jar } from "./browser";
import { freshDatabasePerFile } from "./database";
import {
  asExisting,
  mailsTo,
  makeUser,
  makeUserWithTwoFactor,
  meta,
  ownAccount,
  PASSWORD,
  versionNow,
} from "./fixtures";
import { signInAs } from "./review-attack-helpers";
import { registerKey, rp } from "./webauthn-fixtures";

vi.mock("next/headers", async () => (await import("./browser")).nextHeaders);
const login = await import("@/app/(auth)/login/actions");
const profile = await import("@/app/(app)/profile/actions");
const authentication = await import("@/app/(app)/settings/authentication/actions");
const users = await import("@/app/(app)/settings/users/actions");

const { prisma } = freshDatabasePerFile();
beforeEach(() => jar.clear());

/** A member of an account that enforces 2FA with no grace, who has no second factor yet. */
async function memberWhoMustEnrol() {
  const owner = await makeUser("Owner");
  const accountId = await ownAccount(owner.id);
  await registerKey(owner.id);
  await enableEnforcement(owner.id, accountId, 0, meta);
  const member = await makeUser("Member");
  await prisma().membership.create({ data: { userId: member.id, accountId, role: "member" } });
  return { ...member, sessionVersion: await versionNow(member.id) };
}

describe("half of a surrogate pair (UTF-8 cannot store it; jsonb refuses its escape)", () => {
  it("as a key's name in forced enrolment: refused as bad input, and no key, codes, mail or new version", async () => {
    const member = await memberWhoMustEnrol();
    const mailsBefore = (await mailsTo(member.email)).length;
    const { token } = await checkPassword(member.email, PASSWORD, meta);
    jar.set(CHALLENGE_COOKIE, token);
    const options = await login.startLoginKeyEnrolment({});
    const response = new SoftAuthenticator(rp).register(options.data as never);
    // Before: the key, 10 unseen codes and the mail were committed, the audit failed (22P02), and the
    // sign-in was dead with "Something went wrong": a key added with no trace in the audit log.
    const answer = await login.finishLoginKeyEnrolment({ name: "Key \ud83d", response } as never);
    expect(answer).toMatchObject({ ok: false, code: ErrorCode.invalidInput });
    const after = await prisma().user.findUniqueOrThrow({
      where: { id: member.id },
      select: { sessionVersion: true, _count: { select: { recoveryCodes: true, webAuthnCredentials: true } } },
    });
    expect(after).toEqual({
      sessionVersion: member.sessionVersion,
      _count: { recoveryCodes: 0, webAuthnCredentials: 0 },
    });
    expect(await mailsTo(member.email)).toHaveLength(mailsBefore);
    // The sign-in goes on: the same key with a plain name enrols.
    const again = await login.startLoginKeyEnrolment({});
    const retry = await login.finishLoginKeyEnrolment({
      name: "Key 🔑",
      response: new SoftAuthenticator(rp).register(again.data as never),
    } as never);
    expect(retry.ok).toBe(true);
  });

  it("as a key's new name, or a person's: refused, and the old name stays", async () => {
    const user = await makeUser("Renamer");
    const { key } = await registerKey(user.id, "YubiKey");
    await expect(renameWebAuthnCredential(user.id, key.id, "Work \udc00", meta)).rejects.toMatchObject({
      code: ErrorCode.invalidInput,
    });
    expect((await prisma().webAuthnCredential.findUniqueOrThrow({ where: { id: key.id } })).name).toBe("YubiKey");
    await signInAs(user);
    expect(await profile.updateName({ name: "Ada \ud83d" })).toMatchObject({ ok: false, code: ErrorCode.invalidInput });
    expect((await prisma().user.findUniqueOrThrow({ where: { id: user.id } })).name).toBe("Renamer");
  });
});

describe("names that show as other text", () => {
  it("a bidi override or zero-width space in a name is refused, and never reaches an invitation", async () => {
    const owner = await makeUserWithTwoFactor("Owner");
    const accountId = await ownAccount(owner.user.id);
    await signInAs(owner.user);
    for (const name of ["Security Team \u202Emoc.elpmaxe-liave\u202C", "\u200B=HYPERLINK(1)", "Ada\u2066x\u2069"]) {
      expect(await profile.updateName({ name })).toMatchObject({ ok: false, code: ErrorCode.invalidInput });
    }
    await inviteMember(owner.user.id, accountId, "bidi@example.com", "member", meta);
    const [mail] = await mailsTo("bidi@example.com");
    expect(mail.text).toContain(`Owner (${owner.user.email}) invited you`);
  });

  // Invisible alone: the members list showed an empty name, and an invitation " invited you…".
  for (const name of [
    "\u3164",
    "\u115F\u1160",
    "\uFFA0",
    "\u2800",
    "\u00AD",
    "\u180E",
    "\u{E0041}\u{E0064}",
    "\u206A\u206F",
    "\u200D",
    "\u034F",
    "\u0301\u0301",
  ]) {
    it(`${JSON.stringify(name)}, which shows as nothing, is refused as a name`, async () => {
      const user = await makeUser("Plain");
      await signInAs(user);
      expect(await profile.updateName({ name })).toMatchObject({ ok: false, code: ErrorCode.invalidInput });
      expect((await prisma().user.findUniqueOrThrow({ where: { id: user.id } })).name).toBe("Plain");
    });
  }

  it("joiners that scripts and emoji need are kept", async () => {
    const user = await makeUser("Plain");
    await signInAs(user);
    for (const name of ["میرزا\u200Cعلی", "Family 👨\u200D👩\u200D👧", "Ada Lovelace 😀"]) {
      expect(await profile.updateName({ name })).toMatchObject({ ok: true });
    }
  });
});

describe("the grace period is a number of hours, not whatever coerces to one", () => {
  for (const graceHours of ["", " ", null, false, true, [], "0x10", "1e2", "24.0 "]) {
    it(`${JSON.stringify(graceHours)} is refused as bad input and enforces nothing`, async () => {
      const owner = await makeUserWithTwoFactor("Owner");
      const accountId = await ownAccount(owner.user.id);
      await signInAs(owner.user);
      const result = await authentication.enforceTwoFactor({ accountId, graceHours: graceHours as never });
      expect(result).toMatchObject({ ok: false, code: ErrorCode.invalidInput });
      expect((await prisma().account.findUniqueOrThrow({ where: { id: accountId } })).enforceTwoFactor).toBe(false);
      expect(await prisma().mailBroadcast.count({ where: { accountId } })).toBe(0);
    });
  }

  it("the form's text and a number both enforce", async () => {
    for (const graceHours of [" 24 ", 0]) {
      const owner = await makeUserWithTwoFactor("Owner");
      const accountId = await ownAccount(owner.user.id);
      await signInAs(owner.user);
      expect(await authentication.enforceTwoFactor({ accountId, graceHours: graceHours as never })).toMatchObject({
        ok: true,
      });
      const account = await prisma().account.findUniqueOrThrow({ where: { id: accountId } });
      expect(account.graceHours).toBe(Number(graceHours));
    }
  });
});

describe("stopping enforcement where it is off", () => {
  it("is refused before the proof is checked: a recovery code given as proof stays unused", async () => {
    const owner = await makeUserWithTwoFactor("Owner");
    const accountId = await ownAccount(owner.user.id);
    await signInAs(owner.user);
    const code = owner.recoveryCodes[0]!;
    const result = await authentication.stopEnforcingTwoFactor({ accountId, method: "recovery", code });
    expect(result).toMatchObject({ ok: false, code: ErrorCode.notEnforced });
    expect(await prisma().recoveryCode.count({ where: { userId: owner.user.id, usedAt: { not: null } } })).toBe(0);
  });
});

describe("Reset 2FA of a member who has none", () => {
  it("is refused as not enabled: no sessions end, no mail, no audit event", async () => {
    const owner = await makeUserWithTwoFactor("Owner");
    const accountId = await ownAccount(owner.user.id);
    const member = await makeUser("Plain");
    await prisma().membership.deleteMany({ where: { userId: member.id } });
    const membership = await prisma().membership.create({ data: { userId: member.id, accountId, role: "member" } });
    const version = await versionNow(member.id);
    await signInAs(owner.user);
    // Before: it succeeded, as often as asked, ending the member's sessions and mailing them each time.
    const result = await users.resetTwoFactor({ accountId, membershipId: membership.id });
    expect(result).toMatchObject({ ok: false, code: ErrorCode.notEnabled });
    expect(await versionNow(member.id)).toBe(version);
    expect(await mailsTo(member.email)).toHaveLength(0);
    expect(await prisma().auditEvent.count({ where: { type: "two_factor.reset", subjectId: member.id } })).toBe(0);
  });
});

describe("a sign-in that a remembered device let skip the code", () => {
  /** A thief with the password and a copy of the device cookie (`daysOld`) opens a sign-in, and waits. */
  async function openedByDevice(userId: string, email: string, daysOld = 0) {
    const since = new Date(Date.now() - daysOld * 86_400_000);
    const device = await rememberDevice({ id: userId, sessionVersion: await versionNow(userId) }, meta, since);
    const { token, requirement } = await checkPassword(email, PASSWORD, meta, device!.token);
    expect(requirement).toBe("none");
    return token;
  }

  it("gives no session once the user forgot their devices", async () => {
    const { user } = await makeUserWithTwoFactor("Victim");
    const token = await openedByDevice(user.id, user.email);
    await forgetAllOwnDevices(user.id, meta);
    expect(await redeemChallenge(token)).toBeNull();
  });

  it("gives no session once the account stopped trusting devices (0 days)", async () => {
    const { user } = await makeUserWithTwoFactor("Owner");
    const accountId = await ownAccount(user.id);
    await enableEnforcement(user.id, accountId, 0, meta);
    const token = await openedByDevice(user.id, user.email);
    await setRememberDeviceDays(user.id, accountId, 0, meta);
    expect(await redeemChallenge(token)).toBeNull();
  });

  it("gives no session once the user joined an account that trusts devices for fewer days than its age", async () => {
    const { user } = await makeUserWithTwoFactor("Victim");
    const owner = await makeUserWithTwoFactor("Owner");
    const strict = await ownAccount(owner.user.id);
    await enableEnforcement(owner.user.id, strict, 0, meta);
    await setRememberDeviceDays(owner.user.id, strict, 7, meta);
    await inviteMember(owner.user.id, strict, user.email, "member", meta);
    const invitation = (await mailsTo(user.email)).at(-1)!.text.match(/invite\/([\w-]+)/)![1]!;
    const token = await openedByDevice(user.id, user.email, 10);
    await acceptInvitation(invitation, await asExisting(user), meta);
    expect(await redeemChallenge(token)).toBeNull();
  });

  it("gives no session once an account of the user, trusting devices 7 days, starts enforcing", async () => {
    const { user } = await makeUserWithTwoFactor("Victim");
    const owner = await makeUserWithTwoFactor("Owner");
    const accountId = await ownAccount(owner.user.id);
    await setRememberDeviceDays(owner.user.id, accountId, 7, meta); // set while not enforcing
    await prisma().membership.create({ data: { userId: user.id, accountId, role: "member" } });
    const token = await openedByDevice(user.id, user.email, 10);
    await enableEnforcement(owner.user.id, accountId, 0, meta);
    expect(await redeemChallenge(token)).toBeNull();
  });

  it("still gives a session while the device is trusted", async () => {
    const { user } = await makeUserWithTwoFactor("Owner");
    const token = await openedByDevice(user.id, user.email);
    expect((await redeemChallenge(token))?.id).toBe(user.id);
  });
});

describe("an audit detail cut in half of a surrogate pair", () => {
  it("is stored with U+FFFD: a failing email's third failure is still reported, and the delivery run goes on", async () => {
    const user = await makeUser("Unreachable");
    await queueMail({ to: user.email, subject: "Hello", text: "Hi" });
    await prisma().emailMessage.updateMany({ where: { to: user.email }, data: { attempts: 2 } });
    // The error is cut to 200 UTF-16 units, here between the two halves of an emoji.
    const failing: Transport = {
      outcome: "sent",
      keepBody: false,
      send: () => Promise.reject(new Error(`550 ${"x".repeat(195)}\u{1F600} rejected`)),
    };
    await deliverOutbox(failing, 5_000); // it threw (22P02) from reporting the failure
    const [event] = await prisma().auditEvent.findMany({ where: { subjectId: user.id, type: AuditType.mailFailing } });
    expect((event!.details as { error: string }).error.endsWith("x\uFFFD")).toBe(true);
  });
});
