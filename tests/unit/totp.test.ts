import { generate, ScureBase32Plugin } from "otplib";
import { describe, expect, it } from "vitest";
import { groupSecret } from "@/lib/two-factor/group-secret";
import { matchTotpStep, newTotpSecret, normalizeTotpCode, totpCode, totpUri } from "@/lib/two-factor/totp";

const base32 = new ScureBase32Plugin();
const seed = (ascii: string) => base32.encode(new TextEncoder().encode(ascii)).replace(/=+$/, "");

describe("RFC 4226 HOTP test vectors", () => {
  const expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"];
  it.each(expected.map((code, counter) => [counter, code]))("counter %i gives %s", async (counter, code) => {
    const secret = seed("12345678901234567890");
    expect(await generate({ secret, strategy: "hotp", counter, digits: 6, algorithm: "sha1" })).toBe(code);
  });
});

describe("RFC 6238 TOTP test vectors (8 digits, T0 = 0, 30 s)", () => {
  const times = [59, 1111111109, 1111111111, 1234567890, 2000000000, 20000000000];
  const table = {
    sha1: ["12345678901234567890", ["94287082", "07081804", "14050471", "89005924", "69279037", "65353130"]],
    sha256: [
      "12345678901234567890123456789012",
      ["46119246", "68084774", "67062674", "91819424", "90698825", "77737706"],
    ],
    sha512: [
      "1234567890123456789012345678901234567890123456789012345678901234",
      ["90693936", "25091201", "99943326", "93441116", "38618901", "47863826"],
    ],
  } as const;
  for (const [algorithm, [ascii, codes]] of Object.entries(table)) {
    it.each(times.map((t, i) => [t, codes[i]]))(`${algorithm} at T=%i gives %s`, async (epoch, code) => {
      const secret = seed(ascii);
      expect(await generate({ secret, epoch, digits: 8, period: 30, algorithm: algorithm as "sha1" })).toBe(code);
    });
  }
});

describe("the product's TOTP check", () => {
  const secret = seed("12345678901234567890");
  const now = 1_111_111_111_000; // inside step 37037037

  it("accepts the current step and one step either side, and nothing further", async () => {
    for (const offset of [-1, 0, 1]) {
      const code = await totpCode(secret, now + offset * 30_000);
      expect(await matchTotpStep(secret, code, now)).toBe(37037037 + offset);
    }
    for (const offset of [-3, -2, 2, 3]) {
      const code = await totpCode(secret, now + offset * 30_000);
      expect(await matchTotpStep(secret, code, now)).toBeNull();
    }
  });

  it("uses SHA-1 with 6 digits: the RFC 6238 SHA-1 code at T=59, truncated to 6", async () => {
    expect(await totpCode(secret, 59_000)).toBe("287082");
    expect(await matchTotpStep(secret, "287082", 59_000)).toBe(1);
  });

  it("accepts spaces inside a code", async () => {
    const code = await totpCode(secret, now);
    expect(await matchTotpStep(secret, `${code.slice(0, 3)} ${code.slice(3)}`, now)).toBe(37037037);
  });

  it.each([
    ["five digits", "12345"],
    ["seven digits", "1234567"],
    ["a plus sign", "+123456"],
    ["Arabic-Indic digits", "١٢٣٤٥٦"],
    ["full-width digits", "１２３４５６"],
    ["letters", "12a456"],
    ["a tab", "123\t456"],
    ["empty", ""],
  ])("rejects %s before any comparison", async (_, input) => {
    expect(normalizeTotpCode(input)).toBeNull();
    expect(await matchTotpStep(secret, input, now)).toBeNull();
  });
});

describe("secrets and URIs", () => {
  it("makes 160-bit Base32 secrets without padding, all different", () => {
    const secrets = new Set(Array.from({ length: 50 }, newTotpSecret));
    expect(secrets.size).toBe(50);
    for (const s of secrets) {
      expect(s).toMatch(/^[A-Z2-7]{32}$/);
      expect(base32.decode(s)).toHaveLength(20);
    }
  });

  it("groups the Secret Key in fours for typing", () => {
    expect(groupSecret("ABCDEFGHIJKLMNOP")).toBe("ABCD EFGH IJKL MNOP");
  });

  it("builds the otpauth URI with percent-encoded issuer and label", () => {
    const uri = totpUri("ACME Co", "a b@x.com", "JBSWY3DPEHPK3PXP");
    expect(uri.startsWith("otpauth://totp/ACME%20Co:a%20b%40x.com?")).toBe(true);
    const params = new URL(uri).searchParams;
    expect(Object.fromEntries(params)).toEqual({
      secret: "JBSWY3DPEHPK3PXP",
      issuer: "ACME Co",
      algorithm: "SHA1",
      digits: "6",
      period: "30",
    });
    expect(uri).toContain("issuer=ACME%20Co");
  });
});
