// Checklist "At rest": a dump of every table holds no usable TOTP secret and no recovery code.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { beginEnrolment } from "@/lib/two-factor/factors/totp-enrolment";
import { normalizeRecoveryCode } from "@/lib/two-factor/recovery-codes";
import { consumeRecoveryCode } from "@/lib/two-factor/factors/recovery-code";
import { freshDatabasePerFile } from "./database";
import { makeUser, makeUserWithTwoFactor, setupNow } from "./fixtures";
import { serverWithKeys, testKey } from "./instance";

const { prisma } = freshDatabasePerFile();

async function dumpEveryTable(): Promise<string> {
  const tables = await prisma().$queryRaw<
    { tablename: string }[]
  >`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`;
  expect(tables.length).toBeGreaterThan(8);
  const parts = await Promise.all(
    tables.map(async ({ tablename }) => JSON.stringify(await prisma().$queryRawUnsafe(`SELECT * FROM "${tablename}"`))),
  );
  return parts.join("\n").toUpperCase();
}

describe("secrets at rest", () => {
  it("no table holds a Base32 secret (confirmed or pending) or any recovery code, in any form", async () => {
    const { secret, recoveryCodes } = await makeUserWithTwoFactor();
    const pendingUser = await makeUser("Pending");
    const pending = await beginEnrolment(pendingUser, await setupNow(pendingUser.id));
    const dump = await dumpEveryTable();
    for (const s of [secret, pending.secret]) {
      expect(dump).not.toContain(s);
      expect(dump).not.toContain(s.slice(0, 16));
      expect(dump).not.toContain(Buffer.from(s).toString("base64").toUpperCase());
    }
    for (const code of recoveryCodes) {
      expect(dump).not.toContain(code);
      expect(dump).not.toContain(normalizeRecoveryCode(code)!);
    }
  });

  it("keeps secrets as AES-256-GCM ciphertexts with a key id", async () => {
    const { user } = await makeUserWithTwoFactor();
    const row = await prisma().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.totpSecret).toMatch(/^v1\.k1\.[\w-]{16}\.[\w-]+\.[\w-]{22}$/);
  });
});

// Recovery codes have 50 bits: an unkeyed hash of them falls to one GPU pass for every user at once.
describe("recovery codes in a dump", () => {
  const dumpRecoveryCodes = () =>
    prisma().$queryRaw<
      { id: string; userId: string; codeHash: string; usedAt: Date | null }[]
    >`SELECT * FROM "RecoveryCode" ORDER BY id`;

  it("recomputing any unkeyed hash of a known code finds no row in the dump", async () => {
    const { user, recoveryCodes } = await makeUserWithTwoFactor();
    const dump = await dumpRecoveryCodes();
    expect(dump.filter((row) => row.userId === user.id)).toHaveLength(10);
    const code = normalizeRecoveryCode(recoveryCodes[0]!)!;
    const inputs = [
      code,
      recoveryCodes[0]!,
      `recovery:${code}`,
      `${user.id}${code}`,
      `${user.id}:${code}`,
      `recovery:${user.id}:${code}`,
    ];
    const digests = inputs.flatMap((input) =>
      ["md5", "sha1", "sha256", "sha512"].flatMap((algorithm) => {
        const digest = createHash(algorithm).update(input).digest();
        const twice = createHash(algorithm).update(digest.toString("hex")).digest();
        return [digest, twice].flatMap((d) => [d.toString("hex"), d.toString("base64"), d.toString("base64url")]);
      }),
    );
    for (const row of dump) for (const digest of digests) expect(row.codeHash).not.toContain(digest);
  });

  it("a second instance with another key cannot confirm a code from the rows; the real server can", async () => {
    const { user, recoveryCodes } = await makeUserWithTwoFactor();
    const before = await dumpRecoveryCodes();
    const attacker = await serverWithKeys({ TOTP_ENCRYPTION_KEY: testKey(99) }); // same key id, other key
    for (const code of recoveryCodes) {
      expect(await attacker.verify.consumeRecoveryCode(user.id, code)).toEqual({ ok: false, reason: "invalid" });
    }
    expect(await dumpRecoveryCodes()).toEqual(before);
    expect(await consumeRecoveryCode(user.id, recoveryCodes[0]!)).toEqual({
      ok: true,
      method: "recovery",
      remaining: 9,
    });
  });

  it("a hash copied into another user's rows does not confirm that code for them", async () => {
    const mallory = await makeUserWithTwoFactor("Mallory");
    const victim = await makeUserWithTwoFactor("Victim");
    // Mallory knows her own codes; she copies the stored values of all of them into the victim's rows.
    const rows = await prisma().recoveryCode.findMany({ where: { userId: mallory.user.id } });
    await prisma().recoveryCode.createMany({
      data: rows.map((r) => ({ userId: victim.user.id, codeHash: r.codeHash })),
    });
    for (const code of mallory.recoveryCodes) {
      expect(await consumeRecoveryCode(victim.user.id, code)).toEqual({ ok: false, reason: "invalid" });
    }
    expect(await consumeRecoveryCode(mallory.user.id, mallory.recoveryCodes[0]!)).toMatchObject({ ok: true });
  });
});
