// A membership's copies of its user's facts (migration 20261205022435_member_facts): the members list's
// sort key and "has a second factor", kept by the database. These tests change users the ways the app
// does, and from two connections at once, and compare the copies with the rule of
// lib/two-factor/second-factor.ts read live.
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import type { Prisma } from "@/lib/generated/prisma/client";
import { countingFactors } from "@/lib/two-factor/factors";
import { beginEnrolment, confirmEnrolment } from "@/lib/two-factor/factors/totp-enrolment";
import { hasSecondFactorSql } from "@/lib/two-factor/second-factor";
import { totpCode } from "@/lib/two-factor/totp";
import { backend, freshDatabasePerFile } from "./database";
import { makeUser, makeUserWithTwoFactor, meta } from "./fixtures";
import { registerKey } from "./webauthn-fixtures";

const { prisma } = freshDatabasePerFile();

/** Memberships whose copies differ from what their user's row says now. */
const drifted = () =>
  prisma().$queryRaw<{ id: string }[]>`
    SELECT m."id" FROM "Membership" m JOIN "User" u ON u."id" = m."userId"
    WHERE m."nameKey" <> lower(u."name") OR m."hasSecondFactor" <> ${hasSecondFactorSql}`;

const copiesOf = (userId: string) =>
  prisma().membership.findMany({ where: { userId }, select: { nameKey: true, hasSecondFactor: true } });

const newAccount = () => prisma().account.create({ data: { name: `Team ${randomUUID().slice(0, 6)}` } });

async function joinNewAccount(userId: string, client: Prisma.TransactionClient = prisma(), account?: { id: string }) {
  const accountId = (account ?? (await newAccount())).id;
  return client.membership.create({ data: { userId, accountId, role: "member" } });
}

const credential = (userId: string) => ({
  userId,
  credentialId: randomUUID(),
  publicKey: new Uint8Array([1, 2, 3]),
  name: "YubiKey",
  deviceType: "singleDevice",
  backedUp: false,
});
const withoutApp = { totpSecret: null, totpEnabledAt: null, totpLastStep: null };

/**
 * Runs `first` in a transaction left open until `second` has either finished or is waiting for a lock,
 * then commits it: `second` meets `first` in flight, as when two tabs act at once. (PGlite runs one
 * statement at a time: there `second` waits for the commit.)
 */
async function whileOpen(first: (tx: Prisma.TransactionClient) => Promise<unknown>, second: () => Promise<unknown>) {
  let started!: () => void;
  let commit!: () => void;
  const ready = new Promise<void>((resolve) => (started = resolve));
  const held = new Promise<void>((resolve) => (commit = resolve));
  const open = prisma().$transaction(async (tx) => {
    await first(tx);
    started();
    await held;
  });
  await ready;
  let finished = false;
  const racing = second().finally(() => (finished = true));
  if (backend === "postgres") {
    const deadline = Date.now() + 10_000;
    while (!finished && !(await waitingForALock()) && Date.now() < deadline) await sleep(10);
  }
  commit();
  await Promise.all([open, racing]);
}

async function waitingForALock() {
  const [row] = await prisma().$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`;
  return row!.n > 0;
}

describe("a membership's copies of its user's facts", () => {
  it("follow the user through every change of name and factor, in each of their accounts", async () => {
    const user = await makeUser("Zoë Ärger");
    await joinNewAccount(user.id);
    const expectCopies = async (nameKey: string, hasSecondFactor: boolean) => {
      expect(await copiesOf(user.id)).toEqual([
        { nameKey, hasSecondFactor },
        { nameKey, hasSecondFactor },
      ]);
      expect(await drifted()).toEqual([]);
    };
    await expectCopies("zoë ärger", false);

    const { secret } = await beginEnrolment(user);
    await expectCopies("zoë ärger", false); // an enrolment not confirmed yet is no second factor
    await confirmEnrolment(user.id, await totpCode(secret), meta);
    await expectCopies("zoë ärger", true);
    await registerKey(user.id);
    await expectCopies("zoë ärger", true);
    await prisma().user.update({ where: { id: user.id }, data: withoutApp });
    await expectCopies("zoë ärger", true); // the security key is left
    await prisma().webAuthnCredential.deleteMany({ where: { userId: user.id } });
    await expectCopies("zoë ärger", false);
    await prisma().user.update({ where: { id: user.id }, data: { name: "Ada Lovelace" } });
    await expectCopies("ada lovelace", false);
  });

  it("are taken by a membership created after the user's factor, and written over when set from outside", async () => {
    const { user } = await makeUserWithTwoFactor("Grace");
    const joined = await joinNewAccount(user.id);
    expect(joined).toMatchObject({ nameKey: "grace", hasSecondFactor: true });
    await prisma().membership.updateMany({
      where: { userId: user.id },
      data: { nameKey: "aaa", hasSecondFactor: false },
    });
    expect(await copiesOf(user.id)).toEqual([
      { nameKey: "grace", hasSecondFactor: true },
      { nameKey: "grace", hasSecondFactor: true },
    ]);
    await prisma().membership.update({ where: { id: joined.id }, data: { role: "admin" } });
    expect(await drifted()).toEqual([]);
  });

  it("go with the user when the user is deleted", async () => {
    const user = await makeUser("Leaving");
    await registerKey(user.id);
    await prisma().user.delete({ where: { id: user.id } });
    expect(await prisma().membership.count({ where: { userId: user.id } })).toBe(0);
  });

  it("know every factor that counts (a new one needs a migration of twofold_member_facts)", () => {
    expect(countingFactors.map((f) => f.kind)).toEqual(["totp", "webauthn"]);
  });
});

describe("a membership's copies under concurrent changes", () => {
  it("an app turned off while a security key is being added: the member still has 2FA", async () => {
    const { user } = await makeUserWithTwoFactor("Keyed");
    await whileOpen(
      (tx) => tx.webAuthnCredential.create({ data: credential(user.id) }),
      () => prisma().user.update({ where: { id: user.id }, data: withoutApp }),
    );
    expect(await copiesOf(user.id)).toEqual([{ nameKey: "keyed", hasSecondFactor: true }]);
    expect(await drifted()).toEqual([]);
  });

  it("the last key removed while the app is being turned on: the member has 2FA", async () => {
    const user = await makeUser("Switching");
    await prisma().webAuthnCredential.create({ data: credential(user.id) });
    await whileOpen(
      (tx) => tx.user.update({ where: { id: user.id }, data: { totpSecret: "sealed", totpEnabledAt: new Date() } }),
      () => prisma().webAuthnCredential.deleteMany({ where: { userId: user.id } }),
    );
    expect(await copiesOf(user.id)).toEqual([{ nameKey: "switching", hasSecondFactor: true }]);
    expect(await drifted()).toEqual([]);
  });

  it("a membership created while the user turns 2FA on: it has 2FA", async () => {
    const user = await makeUser("Joining");
    await whileOpen(
      (tx) => tx.user.update({ where: { id: user.id }, data: { totpSecret: "sealed", totpEnabledAt: new Date() } }),
      () => joinNewAccount(user.id),
    );
    expect(await drifted()).toEqual([]);
    expect((await copiesOf(user.id)).every((m) => m.hasSecondFactor)).toBe(true);
  });

  it("2FA turned on while a membership is being created: it has 2FA", async () => {
    const user = await makeUser("Invited");
    const account = await newAccount();
    await whileOpen(
      (tx) => joinNewAccount(user.id, tx, account),
      () => prisma().user.update({ where: { id: user.id }, data: { totpSecret: "sealed", totpEnabledAt: new Date() } }),
    );
    expect(await drifted()).toEqual([]);
    expect(await copiesOf(user.id)).toHaveLength(2);
  });

  it("a security key added while a membership is being created: it has 2FA", async () => {
    const user = await makeUser("Joining with a key");
    const account = await newAccount();
    await whileOpen(
      (tx) => joinNewAccount(user.id, tx, account),
      () => prisma().webAuthnCredential.create({ data: credential(user.id) }),
    );
    expect(await drifted()).toEqual([]);
    expect(await copiesOf(user.id)).toHaveLength(2);
  });
});
