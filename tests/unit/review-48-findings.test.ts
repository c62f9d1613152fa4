// Findings of review 48 (2026-12-06). Each test fails on the code as reviewed; the expectations are what the product should answer.
import { describe, expect, it } from "vitest";
import { loadEnv } from "@/lib/env";

const production = {
  NODE_ENV: "production",
  NEXTAUTH_URL: "https://twofold.example.com",
  NEXTAUTH_SECRET: "x".repeat(32),
  TOTP_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString("base64"),
  TRUSTED_PROXY_HOPS: "1",
  DATABASE_URL: "postgres://twofold:secret@db.example.com:5432/twofold",
} as const;

describe("finding 6: NEXTAUTH_URL is checked only for parsing as some URL, and its scheme is read case-sensitively", () => {
  // z.url() is URL.canParse: "twofold.example.com:443" parses (scheme "twofold.example.com:"), and so
  // does any scheme. Such a value starts the server with cookies that are not Secure, links in every
  // email that no client opens ("twofold.example.com:443/reset-password/…"), and a WebAuthn relying
  // party whose host is empty (lib/two-factor/webauthn/relying-party.ts).
  it.each(["twofold.example.com:443", "ftp://twofold.example.com"])("refuses NEXTAUTH_URL=%s at start", (url) => {
    // fails: loadEnv returns a configuration
    expect(() => loadEnv({ ...production, NEXTAUTH_URL: url })).toThrow(/NEXTAUTH_URL/);
  });

  // A URL's scheme is case-insensitive, and z.url() keeps the value as written: "HTTPS://…" is an
  // https deployment whose session, challenge and remember-device cookies go out without Secure and
  // without their __Secure-/__Host- prefixes (secureCookies tests startsWith("https://")).
  it("an https URL written in capitals gets Secure cookies (or is refused)", () => {
    let config: ReturnType<typeof loadEnv>;
    try {
      config = loadEnv({ ...production, NEXTAUTH_URL: "HTTPS://TWOFOLD.EXAMPLE.COM" });
    } catch (refused) {
      expect(String(refused)).toMatch(/NEXTAUTH_URL/);
      return;
    }
    // fails: false
    expect(config.secureCookies).toBe(true);
  });
});
