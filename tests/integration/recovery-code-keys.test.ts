// Recovery codes are stored as HMACs under a server key: rows written by earlier versions (unkeyed
// SHA-256) are upgraded in place at server start, and a key rotation keeps existing codes usable.
import { createHash } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { env } from "@/lib/env";
import { newRecoveryCodes, normalizeRecoveryCode } from "@/lib/two-factor/recovery-codes";
import { upgradeLegacyRecoveryCodes } from "@/lib/two-factor/recovery-code-upgrade";
import { consumeRecoveryCode } from "@/lib/two-factor/factors/recovery-code";
import { freshDatabasePerFile } from "./database";
import { makeUserWithTwoFactor } from "./fixtures";
import { serverWithKeys, testKey } from "./instance";

const { prisma } = freshDatabasePerFile();
const unkeyed = (code: string) =>
  createHash("sha256")
    .update(`recovery:${normalizeRecoveryCode(code)}`)
    .digest("hex");
const isUnkeyed = (value: string) => /^[0-9a-f]{64}$/.test(value);

/** A user whose recovery codes were stored by an earlier version: unkeyed hashes, the first one used. */
async function userWithLegacyCodes(name: string) {
  const { user } = await makeUserWithTwoFactor(name);
  const codes = newRecoveryCodes();
  await prisma().recoveryCode.deleteMany({ where: { userId: user.id } });
  await prisma().recoveryCode.createMany({
    data: codes.map((code, i) => ({ userId: user.id, codeHash: unkeyed(code), usedAt: i === 0 ? new Date() : null })),
  });
  return { user, used: codes[0]!, unused: codes.slice(1) };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("legacy unkeyed recovery codes", () => {
  it("are refused while they are not upgraded (no fallback to the unkeyed hash)", async () => {
    const { user, unused } = await userWithLegacyCodes("Old");
    expect(await consumeRecoveryCode(user.id, unused[0]!)).toEqual({ ok: false, reason: "invalid" });
    expect(await prisma().recoveryCode.count({ where: { userId: user.id, usedAt: null } })).toBe(9);
  });

  it("are upgraded in place, once even when two upgrades run at once: each code works exactly once, none stays unkeyed", async () => {
    const users = [await userWithLegacyCodes("Ann"), await userWithLegacyCodes("Bob")];
    const legacy = (await prisma().recoveryCode.findMany()).filter((row) => isUnkeyed(row.codeHash)).length;
    expect(legacy).toBeGreaterThanOrEqual(20);
    const [a, b] = await Promise.all([
      upgradeLegacyRecoveryCodes(prisma(), env().totpKeys),
      upgradeLegacyRecoveryCodes(prisma(), env().totpKeys),
    ]);
    expect(a + b).toBe(legacy);
    expect(await upgradeLegacyRecoveryCodes(prisma(), env().totpKeys)).toBe(0);
    const rows = await prisma().recoveryCode.findMany();
    expect(rows.filter((row) => isUnkeyed(row.codeHash))).toEqual([]);
    for (const { user, used, unused } of users) {
      expect(await prisma().recoveryCode.count({ where: { userId: user.id, usedAt: { not: null } } })).toBe(1);
      expect(await consumeRecoveryCode(user.id, used)).toEqual({ ok: false, reason: "invalid" });
      for (const [i, code] of unused.entries()) {
        expect(await consumeRecoveryCode(user.id, code)).toEqual({ ok: true, method: "recovery", remaining: 8 - i });
        expect(await consumeRecoveryCode(user.id, code)).toEqual({ ok: false, reason: "invalid" });
      }
    }
  });

  it("are left as they are by a server started with a wrong key, and upgraded once the right key is back", async () => {
    const { user, unused } = await userWithLegacyCodes("Wrong");
    const before = await prisma().recoveryCode.findMany({ where: { userId: user.id }, orderBy: { id: "asc" } });
    const wrong = { current: { id: "k1", key: Buffer.alloc(32, 99) }, all: new Map([["k1", Buffer.alloc(32, 99)]]) };
    await upgradeLegacyRecoveryCodes(prisma(), wrong);
    expect(await prisma().recoveryCode.findMany({ where: { userId: user.id }, orderBy: { id: "asc" } })).toEqual(
      before,
    );
    await upgradeLegacyRecoveryCodes(prisma(), env().totpKeys);
    expect(
      (await prisma().recoveryCode.findMany({ where: { userId: user.id } })).filter((row) => isUnkeyed(row.codeHash)),
    ).toEqual([]);
    expect(await consumeRecoveryCode(user.id, unused[0]!)).toMatchObject({ ok: true });
  });

  it("are upgraded when the server starts", async () => {
    const { user, unused } = await userWithLegacyCodes("Boot");
    vi.stubEnv("NEXT_RUNTIME", "nodejs");
    const { register } = await import("@/instrumentation");
    await register();
    expect(
      (await prisma().recoveryCode.findMany({ where: { userId: user.id } })).filter((row) => isUnkeyed(row.codeHash)),
    ).toEqual([]);
    expect(await consumeRecoveryCode(user.id, unused[0]!)).toMatchObject({ ok: true });
  });
});

describe("key rotation", () => {
  const rotated = {
    TOTP_ENCRYPTION_KEY: testKey(8),
    TOTP_ENCRYPTION_KEY_ID: "k2",
    TOTP_PREVIOUS_KEYS: `k1:${testKey(7)}`,
  };

  it("codes stored under the previous key stay usable, once each", async () => {
    const { user, recoveryCodes } = await makeUserWithTwoFactor();
    const server = await serverWithKeys(rotated);
    expect(await server.verify.consumeRecoveryCode(user.id, recoveryCodes[0]!)).toEqual({
      ok: true,
      method: "recovery",
      remaining: 9,
    });
    expect(await server.verify.consumeRecoveryCode(user.id, recoveryCodes[0]!)).toEqual({
      ok: false,
      reason: "invalid",
    });
  });

  it("20 parallel uses of one code stored under the previous key: exactly 1 succeeds", async () => {
    const { user, recoveryCodes } = await makeUserWithTwoFactor();
    const server = await serverWithKeys(rotated);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => server.verify.consumeRecoveryCode(user.id, recoveryCodes[1]!)),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(await prisma().recoveryCode.count({ where: { userId: user.id, usedAt: { not: null } } })).toBe(1);
  });

  it("a server that no longer has the key the codes were stored under refuses them", async () => {
    const { user, recoveryCodes } = await makeUserWithTwoFactor();
    const server = await serverWithKeys({ TOTP_ENCRYPTION_KEY: testKey(8), TOTP_ENCRYPTION_KEY_ID: "k2" });
    expect(await server.verify.consumeRecoveryCode(user.id, recoveryCodes[0]!)).toEqual({
      ok: false,
      reason: "invalid",
    });
  });
});
