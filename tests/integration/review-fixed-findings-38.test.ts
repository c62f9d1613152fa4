// Findings of two reviews of main (helpers 38 and 39, 2026-12-05): each test failed on the code as
// reviewed and shows what an attacker or a careless client sees now.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { enableEnforcement } from "@/lib/accounts/enforcement";
import { inviteMember } from "@/lib/accounts/invitations";
import { setRememberDeviceDays } from "@/lib/accounts/remember-days";
import { forgetAllOwnDevices, rememberDevice } from "@/lib/auth/remembered-devices";
import { checkPassword } from "@/lib/auth/sign-in";
import { redeemChallenge } from "@/lib/auth/sign-in/challenge";
import { ErrorCode } from "@/lib/errors";
import { renameWebAuthnCredential } from "@/lib/two-factor/webauthn/credentials";
import { SoftAuthenticator } from "../support/soft-authenticator";
import { CHALLENGE_COOKIE, jar } from "./browser";
import { freshDatabasePerFile } from "./database";
import { mailsTo, makeUser, makeUserWithTwoFactor, meta, PASSWORD, versionNow } from "./fixtures";
import { signInAs } from "./review-attack-helpers";
import { registerKey, rp } from "./webauthn-fixtures";

vi.mock("next/headers", async () => (await import("./browser")).nextHeaders);
const login = await import("@/app/(auth)/login/actions");
const profile = await import("@/app/(app)/profile/actions");
const authentication = await import("@/app/(app)/settings/authentication/actions");
const users = await import("@/app/(app)/settings/users/actions");

const { prisma } = freshDatabasePerFile();
beforeEach(() => jar.clear());

const ownAccount = async (userId: string) =>
  (await prisma().membership.findFirstOrThrow({ where: { userId, role: "owner" } })).accountId;

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
    expect(mail.subject).toContain("Owner invited you");
  });

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
  /** A thief with the password and a copy of the device cookie opens a sign-in, and waits. */
  async function openedByDevice(userId: string, email: string) {
    const device = await rememberDevice({ id: userId, sessionVersion: await versionNow(userId) }, meta);
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

  it("still gives a session while the device is trusted", async () => {
    const { user } = await makeUserWithTwoFactor("Owner");
    const token = await openedByDevice(user.id, user.email);
    expect((await redeemChallenge(token))?.id).toBe(user.id);
  });
});
