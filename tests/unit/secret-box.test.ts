import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { open, seal, type KeyRing } from "@/lib/crypto/secret-box";

const ring = (id: string, key: Buffer, older: [string, Buffer][] = []): KeyRing => ({
  current: { id, key },
  all: new Map([...older, [id, key]]),
});

describe("AES-256-GCM secret box", () => {
  const k1 = randomBytes(32);
  const keys = ring("k1", k1);

  it("round-trips and never contains the plaintext", () => {
    const sealed = seal("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", keys, "totp:user1");
    expect(sealed).not.toContain("JBSWY3DP");
    expect(sealed.startsWith("v1.k1.")).toBe(true);
    expect(open(sealed, keys, "totp:user1")).toBe("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP");
  });

  it("uses a fresh 96-bit nonce each time", () => {
    const a = seal("same", keys, "c");
    const b = seal("same", keys, "c");
    expect(a).not.toBe(b);
    expect(Buffer.from(a.split(".")[2]!, "base64url")).toHaveLength(12);
  });

  it("refuses a ciphertext moved to another user (bound by associated data)", () => {
    const sealed = seal("secret", keys, "totp:alice");
    expect(() => open(sealed, keys, "totp:mallory")).toThrow();
  });

  it("refuses a tampered ciphertext", () => {
    const parts = seal("secret", keys, "c").split(".");
    const body = Buffer.from(parts[3]!, "base64url");
    body[0]! ^= 1;
    parts[3] = body.toString("base64url");
    expect(() => open(parts.join("."), keys, "c")).toThrow();
  });

  it("keeps old secrets readable after a key rotation, and seals new ones with the new key", () => {
    const old = seal("old secret", keys, "c");
    const rotated = ring("k2", randomBytes(32), [["k1", k1]]);
    expect(open(old, rotated, "c")).toBe("old secret");
    expect(seal("new", rotated, "c").startsWith("v1.k2.")).toBe(true);
    expect(() => open(old, ring("k2", randomBytes(32)), "c")).toThrow(/key id/);
  });
});
