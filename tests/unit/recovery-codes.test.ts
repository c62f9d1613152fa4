import { describe, expect, it } from "vitest";
import { hashRecoveryCode, newRecoveryCodes, normalizeRecoveryCode } from "@/lib/two-factor/recovery-codes";

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

  it("stores a SHA-256 hash that does not contain the code", () => {
    const hash = hashRecoveryCode("ABCDE12345");
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain("ABCDE");
  });
});
