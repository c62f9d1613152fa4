import { createHash, createHmac, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { KeyRing } from "@/lib/crypto/secret-box";
import {
  hashRecoveryCode,
  recoveryCodeCandidates,
  upgradeUnkeyedRecoveryHash,
} from "@/lib/two-factor/recovery-code-hash";
import { newRecoveryCodes, normalizeRecoveryCode } from "@/lib/two-factor/recovery-codes";

const ring = (id: string, key: Buffer, older: [string, Buffer][] = []): KeyRing => ({
  current: { id, key },
  all: new Map([...older, [id, key]]),
});

describe("recovery codes", () => {
  it("makes 10 distinct codes of 10 Crockford Base32 characters (50 bits), shown as XXXXX-XXXXX", () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
    expect(10 * Math.log2(32)).toBeGreaterThanOrEqual(50);
  });

  it("accepts a code in any case, with or without the dash or spaces", () => {
    const [code] = newRecoveryCodes(1);
    const normalized = normalizeRecoveryCode(code!);
    for (const variant of [code!.toLowerCase(), code!.replace("-", ""), ` ${code!.replace("-", " ")} `]) {
      expect(normalizeRecoveryCode(variant)).toBe(normalized);
    }
  });

  it("reads Crockford's look-alikes (O as 0, I and L as 1)", () => {
    expect(normalizeRecoveryCode("OOOOO-IIIII")).toBe("0000011111");
    expect(normalizeRecoveryCode("lllll-00000")).toBe("1111100000");
  });

  it("rejects wrong lengths and characters outside the alphabet", () => {
    for (const input of ["ABCDE-1234", "ABCDE-123456", "ABCDE-1234U", "ABCDE_12345", ""]) {
      expect(normalizeRecoveryCode(input)).toBeNull();
    }
  });
});

describe("recovery code hashes", () => {
  const k1 = randomBytes(32);
  const keys = ring("k1", k1);

  it("stores an HMAC tagged with its key id that contains neither the code nor its unkeyed hash", () => {
    const hash = hashRecoveryCode(keys, "user1", "ABCDE12345");
    expect(hash).toMatch(/^h1:k1:[0-9a-f]{64}$/);
    expect(hash).not.toContain("ABCDE");
    expect(hash).not.toContain(createHash("sha256").update("recovery:ABCDE12345").digest("hex"));
    expect(hashRecoveryCode(keys, "user1", "ABCDE12345")).toBe(hash);
  });

  it("is bound to the user: the same code hashes differently for another user", () => {
    expect(hashRecoveryCode(keys, "user1", "ABCDE12345")).not.toBe(hashRecoveryCode(keys, "user2", "ABCDE12345"));
  });

  it("is bound to the key: another key (even under the same id) gives another hash", () => {
    expect(hashRecoveryCode(ring("k1", randomBytes(32)), "user1", "ABCDE12345")).not.toBe(
      hashRecoveryCode(keys, "user1", "ABCDE12345"),
    );
  });

  it("derives its own key: the hash is not a plain HMAC under the encryption key", () => {
    const digest = createHash("sha256").update("recovery:ABCDE12345").digest("hex");
    const plain = (input: string) => createHash("sha256").update(input).digest("hex");
    const hex = hashRecoveryCode(keys, "user1", "ABCDE12345").split(":")[2];
    for (const input of [`user1${digest}`, `user1\0${digest}`, `user1:${digest}`]) {
      expect(hex).not.toBe(plain(input));
      expect(hex).not.toBe(createHmac("sha256", k1).update(input).digest("hex"));
    }
  });

  it("checks a code under every key of the ring, so codes survive a rotation", () => {
    const rotated = ring("k2", randomBytes(32), [["k1", k1]]);
    const candidates = recoveryCodeCandidates(rotated, "user1", "ABCDE12345");
    expect(candidates).toHaveLength(2);
    expect(candidates).toContain(hashRecoveryCode(keys, "user1", "ABCDE12345"));
    expect(candidates).toContain(hashRecoveryCode(rotated, "user1", "ABCDE12345"));
    expect(hashRecoveryCode(rotated, "user1", "ABCDE12345")).toMatch(/^h1:k2:/);
  });

  it("upgrades an unkeyed hash written by an earlier version to the same value the code hashes to", () => {
    const legacy = createHash("sha256").update("recovery:ABCDE12345").digest("hex");
    expect(upgradeUnkeyedRecoveryHash(keys, "user1", legacy)).toBe(hashRecoveryCode(keys, "user1", "ABCDE12345"));
    expect(() => upgradeUnkeyedRecoveryHash(keys, "user1", hashRecoveryCode(keys, "user1", "ABCDE12345"))).toThrow();
  });
});
