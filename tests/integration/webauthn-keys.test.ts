// Adding, renaming and removing security keys and passkeys (WebAuthn), with a software authenticator
// (tests/support/soft-authenticator.ts), on PGlite and PostgreSQL.
import { describe, expect, it } from "vitest";
import { AuditType } from "@/lib/audit";
import { applyMigrations, readMigrations } from "@/lib/db/migrations";
import { ErrorCode } from "@/lib/errors";
import { webAuthnAuthenticationOptions } from "@/lib/two-factor/webauthn/assertion";
import { listWebAuthnCredentials, renameWebAuthnCredential } from "@/lib/two-factor/webauthn/credentials";
import { webAuthnRegistrationOptions, verifyWebAuthnRegistration } from "@/lib/two-factor/webauthn/registration";
import { removeWebAuthnCredential } from "@/lib/two-factor/webauthn/remove";
import { SoftAuthenticator } from "../support/soft-authenticator";
import { freshDatabasePerFile, withEmptyDatabase } from "./database";
import { auditTypes, mailsTo, makeUser, makeUserWithTwoFactor, meta, setupNow, versionNow } from "./fixtures";
import { key, registerKey, rp, startSignIn, totp, userWithKey } from "./webauthn-fixtures";

const { prisma } = freshDatabasePerFile();

describe("registering a key", () => {
  it("stores the named key, audits and emails; the first factor turns 2FA on with recovery codes", async () => {
    const user = await makeUser();
    const version = async () => (await prisma().user.findUniqueOrThrow({ where: { id: user.id } })).sessionVersion;
    const before = await version();
    const first = await registerKey(user.id, "Laptop passkey");
    expect(first.recoveryCodes).toHaveLength(10);
    expect(first.sessionVersion).toBe(before + 1);
    expect(await version()).toBe(before + 1);
    const second = await registerKey(user.id, "YubiKey");
    expect(second.recoveryCodes).toBeNull();
    expect(second.sessionVersion).toBe(first.sessionVersion);
    const keys = await listWebAuthnCredentials(user.id);
    expect(keys.map((k) => k.name)).toEqual(["Laptop passkey", "YubiKey"]);
    expect(keys[0]).not.toHaveProperty("publicKey");
    expect(await auditTypes(user.id)).toEqual(
      expect.arrayContaining([AuditType.webAuthnAdded, AuditType.twoFactorEnabled, AuditType.recoveryCodesGenerated]),
    );
    const mails = await mailsTo(user.email);
    expect(mails.filter((m) => m.subject === "A security key was added to your account")).toHaveLength(2);
    expect(mails.map((m) => m.text).join()).not.toContain(first.authenticator.id);
  });

  it("excludes the user's keys from new options and refuses the same key twice", async () => {
    const user = await makeUser();
    const { authenticator } = await registerKey(user.id);
    const options = await webAuthnRegistrationOptions(user.id, await setupNow(user.id));
    expect(options.excludeCredentials?.map((c) => c.id)).toEqual([authenticator.id]);
    expect(options.authenticatorSelection).toMatchObject({ residentKey: "preferred", userVerification: "preferred" });
    const again = { response: authenticator.register(options), name: "Again" };
    await expect(verifyWebAuthnRegistration(user.id, again, meta, await versionNow(user.id))).rejects.toMatchObject({
      code: ErrorCode.alreadyEnabled,
    });
    expect(await listWebAuthnCredentials(user.id)).toHaveLength(1);
  });

  it("binds the registration challenge to its user, uses it once, and lets it expire", async () => {
    const alice = await makeUser("Alice");
    const mallory = await makeUser("Mallory");
    const authenticator = new SoftAuthenticator(rp);
    const response = authenticator.register(await webAuthnRegistrationOptions(alice.id, await setupNow(alice.id)));
    await webAuthnRegistrationOptions(mallory.id, await setupNow(mallory.id));
    await expect(
      verifyWebAuthnRegistration(mallory.id, { response, name: "Stolen" }, meta, await versionNow(mallory.id)),
    ).rejects.toMatchObject({
      code: ErrorCode.enrolmentExpired,
    });
    await verifyWebAuthnRegistration(alice.id, { response, name: "Mine" }, meta, await versionNow(alice.id));
    await expect(
      verifyWebAuthnRegistration(alice.id, { response, name: "Twice" }, meta, await versionNow(alice.id)),
    ).rejects.toMatchObject({
      code: ErrorCode.enrolmentExpired,
    });
    const late = new SoftAuthenticator(rp).register(
      await webAuthnRegistrationOptions(alice.id, await setupNow(alice.id)),
    );
    await prisma().webAuthnCeremony.updateMany({
      where: { userId: alice.id },
      data: { expiresAt: new Date(Date.now() - 1) },
    });
    await expect(
      verifyWebAuthnRegistration(alice.id, { response: late, name: "Late" }, meta, await versionNow(alice.id)),
    ).rejects.toMatchObject({
      code: ErrorCode.enrolmentExpired,
    });
    expect((await listWebAuthnCredentials(alice.id)).map((k) => k.name)).toEqual(["Mine"]);
    expect(await listWebAuthnCredentials(mallory.id)).toEqual([]);
  });

  it("options asked for at once leave one registration open: one of their answers is taken", async () => {
    const user = await makeUser();
    for (let round = 0; round < 3; round++) {
      const setup = await setupNow(user.id);
      const optionsSets = await Promise.all(
        Array.from({ length: 8 }, () => webAuthnRegistrationOptions(user.id, setup)),
      );
      expect(await prisma().webAuthnCeremony.count({ where: { userId: user.id, purpose: "register" } })).toBe(1);
      const outcomes = await Promise.allSettled(
        optionsSets.map((options, i) => {
          const response = new SoftAuthenticator(rp).register(options);
          return verifyWebAuthnRegistration(user.id, { response, name: `Key ${round}.${i}` }, meta, setup.version);
        }),
      );
      expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(1);
    }
    expect(await listWebAuthnCredentials(user.id)).toHaveLength(3);
  });

  it("the migration to one open registration keeps each user's newest of those left open before", async () => {
    await withEmptyDatabase(async (sql, factory) => {
      const migrations = await readMigrations();
      const at = migrations.findIndex((m) => m.name.endsWith("_one_open_ceremony"));
      await applyMigrations(factory, migrations.slice(0, at));
      await sql(`
        INSERT INTO "User" (id, email, name, "passwordHash", "updatedAt") VALUES
          ('u', 'u@x.test', 'U', 'x', now()), ('v', 'v@x.test', 'V', 'x', now());
        INSERT INTO "WebAuthnCeremony" (id, "userId", purpose, challenge, "expiresAt", "createdAt") VALUES
          ('old', 'u', 'register', 'c1', now() + interval '5 minutes', now() - interval '2 seconds'),
          ('new', 'u', 'register', 'c2', now() + interval '5 minutes', now() - interval '1 second'),
          ('confirm', 'u', 'confirm', 'c3', now() + interval '5 minutes', now() - interval '3 seconds'),
          ('other', 'v', 'register', 'c4', now() + interval '5 minutes', now() - interval '3 seconds');`);
      await applyMigrations(factory, migrations);
      expect(await sql(`SELECT id FROM "WebAuthnCeremony" ORDER BY id`)).toEqual([
        { id: "confirm" },
        { id: "new" },
        { id: "other" },
      ]);
    });
  });

  it("refuses an answer made on another site, a malformed one, and a bad name; nothing is stored", async () => {
    const user = await makeUser();
    const authenticator = new SoftAuthenticator(rp);
    const phished = authenticator.register(await webAuthnRegistrationOptions(user.id, await setupNow(user.id)), {
      origin: "https://twofold.example.net",
    });
    await expect(
      verifyWebAuthnRegistration(user.id, { response: phished, name: "Key" }, meta, await versionNow(user.id)),
    ).rejects.toMatchObject({
      code: ErrorCode.invalidCode,
    });
    for (const response of [null, "x", { id: "a" }, { ...phished, type: "other" }]) {
      await expect(
        verifyWebAuthnRegistration(user.id, { response, name: "Key" }, meta, await versionNow(user.id)),
      ).rejects.toMatchObject({
        code: ErrorCode.invalidCode,
      });
    }
    const options = await webAuthnRegistrationOptions(user.id, await setupNow(user.id));
    for (const name of ["", "   ", "x".repeat(61), "bell\u0007"]) {
      await expect(
        verifyWebAuthnRegistration(
          user.id,
          { response: authenticator.register(options), name },
          meta,
          await versionNow(user.id),
        ),
      ).rejects.toMatchObject({ code: ErrorCode.invalidInput });
    }
    expect(await listWebAuthnCredentials(user.id)).toEqual([]);
    expect(await auditTypes(user.id)).not.toContain(AuditType.webAuthnAdded);
  });
});

describe("renaming and removing a key", () => {
  it("renames the user's own keys only, with a valid name", async () => {
    const { user, key: stored } = await userWithKey("Alice");
    const mallory = await makeUser("Mallory");
    await expect(renameWebAuthnCredential(user.id, stored.id, " ", meta)).rejects.toMatchObject({
      code: ErrorCode.invalidInput,
    });
    await expect(renameWebAuthnCredential(mallory.id, stored.id, "Mine now", meta)).rejects.toMatchObject({
      code: ErrorCode.notFound,
    });
    expect(await renameWebAuthnCredential(user.id, stored.id, "  Blue key ", meta)).toBe("Blue key");
    expect((await listWebAuthnCredentials(user.id)).map((k) => k.name)).toEqual(["Blue key"]);
    expect(await auditTypes(user.id)).toContain(AuditType.webAuthnRenamed);
  });

  it("needs a fresh second factor: a wrong code changes nothing; a key confirms; other sessions end", async () => {
    const { user, key: stored, authenticator } = await userWithKey();
    const spare = await registerKey(user.id, "Spare");
    await expect(removeWebAuthnCredential(user.id, stored.id, totp("000000"), meta)).rejects.toMatchObject({
      code: ErrorCode.invalidCode,
    });
    // A sign-in's options cannot confirm a change, nor the reverse.
    const { options: signInOptions } = await startSignIn(user.email);
    await expect(
      removeWebAuthnCredential(user.id, stored.id, key(authenticator.assert(signInOptions)), meta),
    ).rejects.toMatchObject({ code: ErrorCode.codeAlreadyUsed });
    expect(await listWebAuthnCredentials(user.id)).toHaveLength(2);
    const before = (await prisma().user.findUniqueOrThrow({ where: { id: user.id } })).sessionVersion;
    const confirm = spare.authenticator.assert(await webAuthnAuthenticationOptions(user.id));
    const result = await removeWebAuthnCredential(user.id, stored.id, key(confirm), meta);
    expect(result).toEqual({ sessionVersion: before + 1, twoFactorOff: false });
    expect((await listWebAuthnCredentials(user.id)).map((k) => k.name)).toEqual(["Spare"]);
    expect(await auditTypes(user.id)).toContain(AuditType.webAuthnRemoved);
    expect((await mailsTo(user.email)).map((m) => m.subject)).toContain("A security key was removed from your account");
    expect(await prisma().recoveryCode.count({ where: { userId: user.id, usedAt: null } })).toBe(10);
  });

  it("removing the last factor turns 2FA off, and is refused while an account enforces 2FA", async () => {
    const user = await makeUser();
    const { key: stored, recoveryCodes } = await registerKey(user.id);
    const membership = await prisma().membership.findFirstOrThrow({ where: { userId: user.id } });
    await prisma().account.update({
      where: { id: membership.accountId },
      data: { enforceTwoFactor: true, enforcedAt: new Date() },
    });
    const recovery = { method: "recovery" as const, code: recoveryCodes![0]! };
    await expect(removeWebAuthnCredential(user.id, stored.id, recovery, meta)).rejects.toMatchObject({
      code: ErrorCode.enforcedByAccount,
    });
    await prisma().account.update({ where: { id: membership.accountId }, data: { enforceTwoFactor: false } });
    expect((await removeWebAuthnCredential(user.id, stored.id, recovery, meta)).twoFactorOff).toBe(true);
    expect(await prisma().recoveryCode.count({ where: { userId: user.id } })).toBe(0);
    expect(await auditTypes(user.id)).toContain(AuditType.twoFactorDisabled);
  });

  it("two keys removed at once under enforcement: one removal wins, one key stays", async () => {
    for (let round = 0; round < 5; round++) {
      const user = await makeUser();
      const one = await registerKey(user.id, "One");
      const two = await registerKey(user.id, "Two");
      const codes = one.recoveryCodes!;
      const membership = await prisma().membership.findFirstOrThrow({ where: { userId: user.id } });
      await prisma().account.update({
        where: { id: membership.accountId },
        data: { enforceTwoFactor: true, enforcedAt: new Date() },
      });
      const results = await Promise.allSettled([
        removeWebAuthnCredential(user.id, one.key.id, { method: "recovery", code: codes[0]! }, meta),
        removeWebAuthnCredential(user.id, two.key.id, { method: "recovery", code: codes[1]! }, meta),
      ]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      expect(await listWebAuthnCredentials(user.id)).toHaveLength(1);
    }
  });

  it("another user's key cannot be removed", async () => {
    const alice = await userWithKey("Alice");
    const mallory = await makeUserWithTwoFactor("Mallory");
    await expect(
      removeWebAuthnCredential(mallory.user.id, alice.key.id, totp(await mallory.nextCode()), meta),
    ).rejects.toMatchObject({ code: ErrorCode.notFound });
    expect(await listWebAuthnCredentials(alice.user.id)).toHaveLength(1);
  });
});
