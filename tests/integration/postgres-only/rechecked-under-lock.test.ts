// A check made before a lock is made again under it, since the change it guards against takes that
// lock too. Here the second check is made to matter: a test holds the lock (an account's row, or a
// user's), lets the call pass its first check and queue behind it, changes what was checked, then lets
// it go. (PGlite serves one connection, so nothing can queue behind a lock there.)
import { describe, expect, it } from "vitest";
import { disableEnforcement, enableEnforcement } from "@/lib/accounts/enforcement";
import { acceptInvitation, inviteMember, resendInvitation } from "@/lib/accounts/invitations";
import { changeRole, removeMember, resetMemberTwoFactor } from "@/lib/accounts/members";
import { setRememberDeviceDays } from "@/lib/accounts/remember-days";
import { revokeOtherSessions } from "@/lib/auth/session-list";
import { findLiveSession } from "@/lib/auth/session-record";
import { checkPassword, grantSession, signInWithSecondFactor } from "@/lib/auth/sign-in";
import { sha256 } from "@/lib/crypto/tokens";
import type { Prisma } from "@/lib/generated/prisma/client";
import { ErrorCode } from "@/lib/errors";
import { disableTwoFactor, removeAuthenticatorApp } from "@/lib/two-factor/manage";
import { twoFactorPolicy } from "@/lib/two-factor/policy";
import { removeAllFactors } from "@/lib/two-factor/store";
import { freshDatabasePerFile } from "../database";
import { asExisting, mailsTo, makeUser, makeUserWithTwoFactor, meta, openTestSession, PASSWORD } from "../fixtures";
import { queuedOnALock, settled } from "./locks";

const { prisma } = freshDatabasePerFile();

type Tx = Prisma.TransactionClient;
const accountRow = (id: string) => (tx: Tx) => tx.$queryRaw`SELECT id FROM "Account" WHERE id = ${id} FOR UPDATE`;
const userRow = (id: string) => (tx: Tx) => tx.$queryRaw`SELECT id FROM "User" WHERE id = ${id} FOR UPDATE`;

/** Runs `call` while this test holds a row (`lock`), and runs `meanwhile` once the call waits for it. */
async function behindALock<T>(
  lock: (tx: Tx) => Promise<unknown>,
  call: () => Promise<T>,
  meanwhile: (tx: Tx) => Promise<unknown>,
): Promise<PromiseSettledResult<T>> {
  let outcome!: Promise<PromiseSettledResult<T>>;
  await prisma().$transaction(async (tx) => {
    await lock(tx);
    outcome = settled(call());
    await queuedOnALock(outcome);
    await meanwhile(tx);
  });
  return outcome;
}

/** The same behind the account's row, which every change of its members, roles and settings takes. */
const behindTheLock = <T>(accountId: string, call: () => Promise<T>, meanwhile: (tx: Tx) => Promise<unknown>) =>
  behindALock(accountRow(accountId), call, meanwhile);

/** An account whose owner is enrolled, with an admin (enrolled too) who is about to lose their rights. */
async function accountWithAdmin() {
  const owner = await makeUserWithTwoFactor("Owner");
  const { accountId } = await prisma().membership.findFirstOrThrow({ where: { userId: owner.user.id } });
  const admin = await makeUserWithTwoFactor("Admin");
  const membership = await prisma().membership.create({ data: { userId: admin.user.id, accountId, role: "admin" } });
  const demote = (tx: Tx) => tx.membership.update({ where: { id: membership.id }, data: { role: "member" } });
  return { owner, accountId, admin, membership, demote };
}

const account = (id: string) => prisma().account.findUniqueOrThrow({ where: { id } });

describe("an admin demoted while their change waits for the account", () => {
  it("does not turn enforcement on", async () => {
    const { accountId, admin, demote } = await accountWithAdmin();
    const result = await behindTheLock(accountId, () => enableEnforcement(admin.user.id, accountId, 0, meta), demote);
    expect(result).toMatchObject({ status: "rejected", reason: { code: ErrorCode.forbidden } });
    expect(await account(accountId)).toMatchObject({ enforceTwoFactor: false, enforcedAt: null });
    expect(await prisma().mailBroadcast.count({ where: { accountId } })).toBe(0);
  });

  it("does not turn enforcement off, though their code was right", async () => {
    const { owner, accountId, admin, demote } = await accountWithAdmin();
    await enableEnforcement(owner.user.id, accountId, 0, meta);
    const proof = { method: "totp" as const, code: await admin.nextCode() };
    const result = await behindTheLock(
      accountId,
      () => disableEnforcement(admin.user.id, accountId, proof, meta),
      demote,
    );
    expect(result).toMatchObject({ status: "rejected", reason: { code: ErrorCode.forbidden } });
    expect(await account(accountId)).toMatchObject({ enforceTwoFactor: true });
  });

  it("does not change how long devices are remembered", async () => {
    const { accountId, admin, demote } = await accountWithAdmin();
    const before = (await account(accountId)).rememberDeviceDays;
    const days = before === 0 ? 7 : 0;
    const result = await behindTheLock(
      accountId,
      () => setRememberDeviceDays(admin.user.id, accountId, days, meta),
      demote,
    );
    expect(result).toMatchObject({ status: "rejected", reason: { code: ErrorCode.forbidden } });
    expect((await account(accountId)).rememberDeviceDays).toBe(before);
  });
});

describe("an admin's remember-days waiting for the account while another admin lowers them", () => {
  it("does not undo the lower days without a second factor", async () => {
    const { owner, accountId } = await accountWithAdmin();
    const before = (await account(accountId)).rememberDeviceDays;
    const result = await behindTheLock(
      accountId,
      () => setRememberDeviceDays(owner.user.id, accountId, before, meta), // unchanged as this admin read it
      (tx) => tx.account.update({ where: { id: accountId }, data: { rememberDeviceDays: 0 } }),
    );
    expect(result).toMatchObject({ status: "rejected", reason: { code: ErrorCode.secondFactorRequired } });
    expect((await account(accountId)).rememberDeviceDays).toBe(0);
  });
});

describe("an admin's invitation waiting for the account", () => {
  it("does not replace an owner's invitation as owner to the same address, sent meanwhile", async () => {
    const { owner, accountId, admin } = await accountWithAdmin();
    const email = "both-invited@example.com";
    const sentMeanwhile = { accountId, email, role: "owner" as const, invitedById: owner.user.id };
    const link = { tokenHash: sha256("owner-link"), expiresAt: new Date(Date.now() + 86_400_000) };
    const result = await behindTheLock(
      accountId,
      () => inviteMember(admin.user.id, accountId, email, "member", meta),
      (tx) => tx.invitation.create({ data: { ...sentMeanwhile, ...link } }),
    );
    expect(result).toMatchObject({ status: "rejected", reason: { code: ErrorCode.forbidden } });
    expect(await prisma().invitation.findMany({ where: { accountId, email }, select: { role: true } })).toEqual([
      { role: "owner" },
    ]);
  });
});

describe("an invitation the purge deletes while its resend waits for the row", () => {
  it("is not found, a clear error rather than 'Something went wrong', and sends nothing", async () => {
    const { owner, accountId } = await accountWithAdmin();
    const email = "expired@example.com";
    await inviteMember(owner.user.id, accountId, email, "member", meta);
    const { id } = await prisma().invitation.findFirstOrThrow({ where: { accountId, email } });
    const sent = (await mailsTo(email)).length;
    // The purge takes no account lock: it deletes the expired row, holding it until it commits.
    const result = await behindALock(
      (tx) => tx.invitation.delete({ where: { id } }),
      () => resendInvitation(owner.user.id, accountId, id, meta),
      async () => {},
    );
    expect(result).toMatchObject({ status: "rejected", reason: { code: ErrorCode.notFound } });
    expect(await mailsTo(email)).toHaveLength(sent);
  });
});

describe("an invitation accepted while it waits for the account", () => {
  async function invited() {
    const { accountId, admin, membership } = await accountWithAdmin();
    const invitee = await makeUser("Invitee");
    await inviteMember(admin.user.id, accountId, invitee.email, "member", meta);
    const token = (await mailsTo(invitee.email)).at(-1)!.text.match(/invite\/([\w-]+)/)![1]!;
    const accept = async () => acceptInvitation(token, await asExisting(invitee), meta);
    const joined = () => prisma().membership.count({ where: { accountId, userId: invitee.id } });
    return { accountId, membership, token, accept, joined };
  }

  it("is refused when its sender is removed meanwhile", async () => {
    const { accountId, membership, accept, joined } = await invited();
    const result = await behindTheLock(accountId, accept, (tx) =>
      tx.membership.delete({ where: { id: membership.id } }),
    );
    expect(result).toMatchObject({ status: "rejected", reason: { code: ErrorCode.invalidLink } });
    expect(await joined()).toBe(0);
  });

  it("is refused when its link is replaced meanwhile (sent again)", async () => {
    const { accountId, token, accept, joined } = await invited();
    const result = await behindTheLock(accountId, accept, (tx) =>
      tx.invitation.updateMany({ where: { tokenHash: sha256(token) }, data: { tokenHash: sha256(`${token}-new`) } }),
    );
    expect(result).toMatchObject({ status: "rejected", reason: { code: ErrorCode.invalidLink } });
    expect(await joined()).toBe(0);
  });

  it("goes through when nothing changed meanwhile (the lock alone refuses nothing)", async () => {
    const { accountId, accept, joined } = await invited();
    const result = await behindTheLock(accountId, accept, async () => {});
    expect(result).toMatchObject({ status: "fulfilled" });
    expect(await joined()).toBe(1);
  });
});

describe("enforcement and a member's own factors, changed at once", () => {
  it("an admin whose 2FA is turned off while their switch waits for the account does not enforce", async () => {
    const { accountId, admin } = await accountWithAdmin();
    const result = await behindTheLock(
      accountId,
      () => enableEnforcement(admin.user.id, accountId, 0, meta),
      (tx) => removeAllFactors(tx, admin.user.id),
    );
    expect(result).toMatchObject({ status: "rejected", reason: { code: ErrorCode.ownTwoFactorFirst } });
    expect(await account(accountId)).toMatchObject({ enforceTwoFactor: false });
  });

  it("a member's last factor does not go while enforcement is turned on meanwhile, by either way of removing it", async () => {
    const ways: ((userId: string, code: string) => Promise<unknown>)[] = [
      (userId: string, code: string) => disableTwoFactor(userId, { method: "totp", code }, meta),
      (userId: string, code: string) => removeAuthenticatorApp(userId, { method: "totp", code }, meta),
    ];
    for (const remove of ways) {
      const { owner, accountId } = await accountWithAdmin();
      const member = await makeUserWithTwoFactor("Member");
      await prisma().membership.create({ data: { userId: member.user.id, accountId, role: "member" } });
      const code = await member.nextCode();
      const result = await behindALock(
        userRow(member.user.id),
        () => remove(member.user.id, code),
        () => enableEnforcement(owner.user.id, accountId, 0, meta),
      );
      expect(result).toMatchObject({ status: "rejected", reason: { code: ErrorCode.enforcedByAccount } });
      expect((await twoFactorPolicy(member.user.id)).hasSecondFactor).toBe(true);
      expect(await account(accountId)).toMatchObject({ enforceTwoFactor: true });
    }
  });
});

describe("Reset 2FA of a member removed while it waits", () => {
  it("is refused, and the person who left keeps their factors", async () => {
    const { owner, accountId } = await accountWithAdmin();
    const leaver = await makeUserWithTwoFactor("Leaver");
    const membership = await prisma().membership.create({
      data: { userId: leaver.user.id, accountId, role: "member" },
    });
    await prisma().membership.deleteMany({ where: { userId: leaver.user.id, accountId: { not: accountId } } });
    const result = await behindALock(
      userRow(leaver.user.id),
      async () => resetMemberTwoFactor(owner.user.id, accountId, membership.id, await owner.proof(), meta),
      (tx) => tx.membership.delete({ where: { id: membership.id } }),
    );
    expect(result).toMatchObject({ status: "rejected", reason: { code: ErrorCode.notFound } });
    expect((await twoFactorPolicy(leaver.user.id)).hasSecondFactor).toBe(true);
  });

  it("by an admin removed while it waits is refused as theirs to make no more; the member keeps their factors", async () => {
    const { accountId, admin, membership } = await accountWithAdmin();
    const member = await makeUserWithTwoFactor("Member");
    const { id } = await prisma().membership.create({ data: { userId: member.user.id, accountId, role: "member" } });
    await prisma().membership.deleteMany({ where: { userId: member.user.id, accountId: { not: accountId } } });
    const result = await behindALock(
      userRow(member.user.id),
      async () => resetMemberTwoFactor(admin.user.id, accountId, id, await admin.proof(), meta),
      (tx) => tx.membership.delete({ where: { id: membership.id } }),
    );
    expect(result).toMatchObject({ status: "rejected", reason: { code: ErrorCode.forbidden } });
    expect((await twoFactorPolicy(member.user.id)).hasSecondFactor).toBe(true);
  });
});

describe("a member removing their last factor while an admin changes their membership", () => {
  it("ends for both, never in a deadlock, whether the admin removes them or changes their role", async () => {
    // The removal's trigger locks the member's memberships (member_facts); the admin's change holds the
    // account's row and then writes the membership. The accounts are read share-locked before that.
    const changes = [
      (actorId: string, accountId: string, id: string) => removeMember(actorId, accountId, id, meta),
      (actorId: string, accountId: string, id: string) => changeRole(actorId, accountId, id, "admin", meta),
    ];
    for (const change of changes) {
      const { owner, accountId } = await accountWithAdmin();
      const member = await makeUserWithTwoFactor("Member");
      const { id } = await prisma().membership.create({ data: { userId: member.user.id, accountId, role: "member" } });
      const code = await member.nextCode();
      let admin!: Promise<PromiseSettledResult<unknown>>;
      let own!: Promise<PromiseSettledResult<unknown>>;
      await prisma().$transaction(async (tx) => {
        await accountRow(accountId)(tx);
        admin = settled(change(owner.user.id, accountId, id));
        await queuedOnALock(admin);
        own = settled(removeAuthenticatorApp(member.user.id, { method: "totp", code }, meta));
        await queuedOnALock(own, 2);
      });
      expect([await admin, await own]).toMatchObject([{ status: "fulfilled" }, { status: "fulfilled" }]);
    }
  });
});

describe("a sign-in exchanged while the user signs out their other sessions", () => {
  /** Ada's browser here, and a sign-in of hers (the intruder's) with its password step passed. */
  async function adaAndAnIntruder() {
    const ada = await makeUser("Ada");
    const here = await openTestSession({ id: ada.id, sessionVersion: 0 }, meta);
    const { token } = await checkPassword(ada.email, PASSWORD, meta);
    const signOutOthers = () => revokeOtherSessions({ id: ada.id }, { id: here.id, version: 0, generation: 0 }, meta);
    const live = (granted: PromiseSettledResult<Awaited<ReturnType<typeof grantSession>>>) =>
      granted.status === "fulfilled" && granted.value
        ? findLiveSession({ sid: granted.value.claims.sid, uid: ada.id, sv: 0, sg: 0 })
        : null;
    return { ada, here, token, signOutOthers, live };
  }

  it("gives no live session when the sign-out lands between the challenge spent and the session opened", async () => {
    const { ada, here, token, signOutOthers, live } = await adaAndAnIntruder();
    let signedOut!: Promise<PromiseSettledResult<unknown>>;
    // The exchange spends the challenge, then waits for Ada's row to open its session record.
    const granted = await behindALock(
      userRow(ada.id),
      () => grantSession(token, meta),
      async () => {
        signedOut = settled(signOutOthers());
        await queuedOnALock(signedOut, 2, { mayEnd: true });
      },
    );
    expect(await signedOut).toMatchObject({ status: "fulfilled" });
    expect(await live(granted)).toBeNull();
    expect(await findLiveSession({ sid: here.id, uid: ada.id, sv: 0, sg: 0 })).not.toBeNull();
  });

  it("gives no live session when the exchange comes while the sign-out is under way", async () => {
    const { ada, token, signOutOthers, live } = await adaAndAnIntruder();
    const other = await openTestSession({ id: ada.id, sessionVersion: 0 }, meta);
    const otherRow = (tx: Tx) => tx.$queryRaw`SELECT id FROM "Session" WHERE id = ${other.id} FOR UPDATE`;
    let granted!: Promise<PromiseSettledResult<Awaited<ReturnType<typeof grantSession>>>>;
    // The sign-out waits to end Ada's other session; the exchange comes meanwhile.
    const signedOut = await behindALock(otherRow, signOutOthers, async () => {
      granted = settled(grantSession(token, meta));
      await queuedOnALock(granted, 2, { mayEnd: true });
    });
    expect(signedOut).toMatchObject({ status: "fulfilled", value: { count: 1 } });
    expect(await live(await granted)).toBeNull();
  });
});

describe("the second step at /login (it opens the session itself) while the user signs out their other sessions", () => {
  /** Ada (2FA) in her browser here, and a sign-in of hers (the intruder's) with the password step passed. */
  async function adaAndAnIntruder() {
    const ada = await makeUserWithTwoFactor("Ada");
    const { sessionVersion: sv } = await prisma().user.findUniqueOrThrow({ where: { id: ada.user.id } });
    const here = await openTestSession({ id: ada.user.id, sessionVersion: sv }, meta);
    const { token } = await checkPassword(ada.user.email, PASSWORD, meta);
    const signOutOthers = () =>
      revokeOtherSessions({ id: ada.user.id }, { id: here.id, version: sv, generation: 0 }, meta);
    const step = async () => signInWithSecondFactor(token, { method: "totp", code: await ada.nextCode() }, meta);
    const live = (stepped: PromiseSettledResult<Awaited<ReturnType<typeof step>>>) =>
      stepped.status === "fulfilled" && stepped.value.claims
        ? findLiveSession({ sid: stepped.value.claims.sid, uid: ada.user.id, sv, sg: 0 })
        : null;
    return { ada, sv, here, signOutOthers, step, live };
  }

  it("gives no live session when the sign-out comes while the step holds the challenge", async () => {
    const { ada, sv, here, signOutOthers, step, live } = await adaAndAnIntruder();
    // The step has satisfied and spent the challenge (its row is locked) and waits to keep the address
    // familiar; the sign-out then waits for the challenge, and ends the session once the step is done.
    const addressRow = (tx: Tx) =>
      tx.$queryRaw`SELECT 1 FROM "SignInAddress" WHERE "userId" = ${ada.user.id} FOR UPDATE`;
    let signedOut!: Promise<PromiseSettledResult<{ count: number }>>;
    const stepped = await behindALock(addressRow, step, async () => {
      signedOut = settled(signOutOthers());
      await queuedOnALock(signedOut, 2);
    });
    expect(stepped).toMatchObject({ status: "fulfilled", value: { result: { ok: true } } });
    expect(await signedOut).toMatchObject({ status: "fulfilled", value: { count: 1 } });
    expect(await live(stepped)).toBeNull();
    expect(await findLiveSession({ sid: here.id, uid: ada.user.id, sv, sg: 0 })).not.toBeNull();
  });

  it("gives no live session when the sign-out lands while the step waits to accept the code", async () => {
    const { ada, sv, here, signOutOthers, step, live } = await adaAndAnIntruder();
    let signedOut!: Promise<PromiseSettledResult<unknown>>;
    // The step has claimed its attempt and waits for Ada's row to spend the code.
    const stepped = await behindALock(userRow(ada.user.id), step, async () => {
      signedOut = settled(signOutOthers());
      await queuedOnALock(signedOut, 2, { mayEnd: true });
    });
    expect(await signedOut).toMatchObject({ status: "fulfilled" });
    expect(await live(stepped)).toBeNull();
    expect(await findLiveSession({ sid: here.id, uid: ada.user.id, sv, sg: 0 })).not.toBeNull();
  });
});
