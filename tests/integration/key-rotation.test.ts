// Rotating TOTP_ENCRYPTION_KEY: `npm run keys:rotate` re-encrypts every secret under the new key, can
// stop half-way and be run again, and afterwards the server needs the old key only for recovery codes.
import { afterEach, describe, expect, it, vi } from "vitest";
import { seal } from "@/lib/crypto/secret-box";
import { env } from "@/lib/env";
import { rotateTotpKey } from "@/lib/two-factor/key-rotation";
import { totpSecretContext } from "@/lib/two-factor/secret-context";
import { freshDatabasePerFile } from "./database";
import { makeUserWithTwoFactor } from "./fixtures";
import { serverWithKeys, testKey } from "./instance";

const { prisma } = freshDatabasePerFile();

afterEach(() => vi.unstubAllEnvs());

/** The ring an operator configures for the rotation: the new key current, the old one previous. */
function rotationRing() {
  const old = env().totpKeys.current;
  const key = Buffer.from(testKey(7), "base64");
  return {
    current: { id: "k2", key },
    all: new Map([
      ["k2", key],
      [old.id, old.key],
    ]),
    old,
  };
}

describe("rotating the TOTP encryption key", () => {
  it("re-encrypts every secret, resumes after an interruption, and the new key alone then verifies codes", async () => {
    const users = [
      await makeUserWithTwoFactor("Rot1"),
      await makeUserWithTwoFactor("Rot2"),
      await makeUserWithTwoFactor("Rot3"),
    ];
    const ring = rotationRing();
    const interrupted = await rotateTotpKey(prisma(), ring, { maxRows: 1 });
    expect(interrupted.resealed).toBe(1);
    const rest = await rotateTotpKey(prisma(), ring);
    expect(rest.resealed).toBe(2);
    expect((await rotateTotpKey(prisma(), ring)).resealed).toBe(0);

    const rows = await prisma().user.findMany({ where: { id: { in: users.map((u) => u.user.id) } } });
    expect(rows.every((row) => row.totpSecret!.startsWith("v1.k2."))).toBe(true);
    // Recovery codes are hashes: they stay under the old key, which the report says to keep.
    expect(rest.recoveryCodesByOldKey[ring.old.id]).toBeGreaterThanOrEqual(30);

    const newServer = await serverWithKeys({
      TOTP_ENCRYPTION_KEY: testKey(7),
      TOTP_ENCRYPTION_KEY_ID: "k2",
      TOTP_PREVIOUS_KEYS: "",
    });
    for (const { user, nextCode } of users) {
      expect(await newServer.verify.acceptTotpCode(user.id, await nextCode())).toEqual({ ok: true, method: "totp" });
    }
    // The old key alone no longer opens them.
    const oldServer = await serverWithKeys({
      TOTP_ENCRYPTION_KEY: ring.old.key.toString("base64"),
      TOTP_ENCRYPTION_KEY_ID: ring.old.id,
    });
    await expect(oldServer.verify.acceptTotpCode(users[0]!.user.id, await users[0]!.nextCode())).rejects.toThrow();
  });

  it("reports a secret no configured key opens and leaves it as it is", async () => {
    const { user } = await makeUserWithTwoFactor("Lost");
    const lostKey = { id: "k0", key: Buffer.from(testKey(9), "base64") };
    const sealed = seal(
      "JBSWY3DPEHPK3PXP",
      { current: lostKey, all: new Map([["k0", lostKey.key]]) },
      totpSecretContext("totp", user.id),
    );
    await prisma().user.update({ where: { id: user.id }, data: { totpSecret: sealed } });
    const report = await rotateTotpKey(prisma(), rotationRing());
    expect(report.unreadable).toEqual([`user ${user.id} (key k0)`]);
    expect((await prisma().user.findUniqueOrThrow({ where: { id: user.id } })).totpSecret).toBe(sealed);
  });
});
