// A membership's copies of its user's facts (migration 20261205022435_member_facts): the members list's
// sort key and "has a second factor", kept by the database. These tests change users the ways the app
// does, and from two connections at once, and compare the copies with the rule of
// lib/two-factor/second-factor.ts read live.
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { applyMigrations, readMigrations } from "@/lib/db/migrations";
import type { Prisma } from "@/lib/generated/prisma/client";
import { countingFactors } from "@/lib/two-factor/factors";
import { beginEnrolment, confirmEnrolment } from "@/lib/two-factor/factors/totp-enrolment";
import { hasSecondFactorSql } from "@/lib/two-factor/second-factor";
import { totpCode } from "@/lib/two-factor/totp";
import { backend, freshDatabasePerFile, withEmptyDatabase } from "./database";
import { makeUser, makeUserWithTwoFactor, meta, setupNow, versionNow } from "./fixtures";
import { registerKey } from "./webauthn-fixtures";

const { prisma } = freshDatabasePerFile();

/** The user's memberships whose copies differ from what the user's row says now. */
const drifted = (userId: string) =>
  prisma().$queryRaw<{ id: string }[]>`
    SELECT m."id" FROM "Membership" m JOIN "User" u ON u."id" = m."userId"
    WHERE u."id" = ${userId} AND (m."nameKey" <> lower(u."name") OR m."hasSecondFactor" <> ${hasSecondFactorSql})`;

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
      expect(await drifted(user.id)).toEqual([]);
    };
    await expectCopies("zoë ärger", false);

    const { secret } = await beginEnrolment(user, await setupNow(user.id));
    await expectCopies("zoë ärger", false); // an enrolment not confirmed yet is no second factor
    await confirmEnrolment(user.id, await totpCode(secret), meta, await versionNow(user.id));
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
    expect(await drifted(user.id)).toEqual([]);
  });

  it("go with the user when the user is deleted", async () => {
    const user = await makeUser("Leaving");
    await registerKey(user.id);
    await prisma().user.delete({ where: { id: user.id } });
    expect(await prisma().membership.count({ where: { userId: user.id } })).toBe(0);
  });

  it("are refused outside READ COMMITTED, where they could miss a concurrent change", async () => {
    const user = await makeUser("Isolated");
    const account = await newAccount();
    const repeatableRead = prisma().$transaction(async (tx) => {
      await tx.$executeRawUnsafe("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
      await joinNewAccount(user.id, tx, account);
    });
    await expect(repeatableRead).rejects.toThrow(/READ COMMITTED transactions, and this one is repeatable read/);
    expect(await copiesOf(user.id)).toHaveLength(1);
  });

  it("are filled in for the memberships that existed before the migration", async () => {
    await withEmptyDatabase(async (sql, factory) => {
      const migrations = await readMigrations();
      const at = migrations.findIndex((m) => m.name.endsWith("_member_facts"));
      await applyMigrations(factory, migrations.slice(0, at));
      await sql(`
        INSERT INTO "User" (id, email, name, "passwordHash", "updatedAt", "totpEnabledAt") VALUES
          ('app', 'app@x.test', 'Ada App', 'x', now(), now()),
          ('key', 'key@x.test', 'Kim Key', 'x', now(), NULL),
          ('none', 'none@x.test', 'Ned None', 'x', now(), NULL);
        INSERT INTO "Account" (id, name) VALUES ('team', 'Team');
        INSERT INTO "Membership" (id, "userId", "accountId", role) VALUES
          ('m1', 'app', 'team', 'owner'), ('m2', 'key', 'team', 'member'), ('m3', 'none', 'team', 'member');
        INSERT INTO "WebAuthnCredential" (id, "userId", "credentialId", "publicKey", transports, name, "deviceType", "backedUp")
          VALUES ('w', 'key', 'c', '\\x01', '{}', 'YubiKey', 'singleDevice', false);`);
      expect(await applyMigrations(factory, migrations)).toEqual(migrations.slice(at).map((m) => m.name));
      expect(await sql(`SELECT id, "nameKey", "hasSecondFactor" FROM "Membership" ORDER BY id`)).toEqual([
        { id: "m1", nameKey: "ada app", hasSecondFactor: true },
        { id: "m2", nameKey: "kim key", hasSecondFactor: true },
        { id: "m3", nameKey: "ned none", hasSecondFactor: false },
      ]);
    });
  });

  it("know every factor that counts (a new one needs a migration of twofold_member_facts)", () => {
    expect(countingFactors.map((f) => f.kind)).toEqual(["totp", "webauthn"]);
  });
});

describe("a membership's copies under concurrent changes", () => {
  it("a membership created while the last security key is being removed: it has no 2FA", async () => {
    const user = await makeUser("Losing a key");
    await prisma().webAuthnCredential.create({ data: credential(user.id) });
    await whileOpen(
      (tx) => tx.webAuthnCredential.deleteMany({ where: { userId: user.id } }),
      () => joinNewAccount(user.id),
    );
    expect(await drifted(user.id)).toEqual([]);
    expect(await copiesOf(user.id)).toEqual([
      { nameKey: "losing a key", hasSecondFactor: false },
      { nameKey: "losing a key", hasSecondFactor: false },
    ]);
  });

  it("a membership created while a security key is being added: it has 2FA", async () => {
    const user = await makeUser("Adding a key");
    await whileOpen(
      (tx) => tx.webAuthnCredential.create({ data: credential(user.id) }),
      () => joinNewAccount(user.id),
    );
    expect(await drifted(user.id)).toEqual([]);
    expect((await copiesOf(user.id)).every((m) => m.hasSecondFactor)).toBe(true);
  });

  it("a membership created while the user turns 2FA on: it has 2FA", async () => {
    const user = await makeUser("Joining");
    await whileOpen(
      (tx) => tx.user.update({ where: { id: user.id }, data: { totpSecret: "sealed", totpEnabledAt: new Date() } }),
      () => joinNewAccount(user.id),
    );
    expect(await drifted(user.id)).toEqual([]);
    expect((await copiesOf(user.id)).every((m) => m.hasSecondFactor)).toBe(true);
  });

  it("2FA turned on while a membership is being created: it has 2FA", async () => {
    const user = await makeUser("Invited");
    const account = await newAccount();
    await whileOpen(
      (tx) => joinNewAccount(user.id, tx, account),
      () => prisma().user.update({ where: { id: user.id }, data: { totpSecret: "sealed", totpEnabledAt: new Date() } }),
    );
    expect(await drifted(user.id)).toEqual([]);
    expect(await copiesOf(user.id)).toHaveLength(2);
  });

  it("a security key added while a membership is being created: it has 2FA", async () => {
    const user = await makeUser("Joining with a key");
    const account = await newAccount();
    await whileOpen(
      (tx) => joinNewAccount(user.id, tx, account),
      () => prisma().webAuthnCredential.create({ data: credential(user.id) }),
    );
    expect(await drifted(user.id)).toEqual([]);
    expect(await copiesOf(user.id)).toHaveLength(2);
  });
});
