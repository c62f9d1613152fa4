import { describe, expect, it } from "vitest";
import { configuredTotpKeys, loadEnv } from "@/lib/env";

const key = Buffer.alloc(32, 1).toString("base64");
const production = {
  NODE_ENV: "production",
  NEXTAUTH_URL: "https://app.example.com",
  NEXTAUTH_SECRET: "x".repeat(32),
  TOTP_ENCRYPTION_KEY: key,
  TRUSTED_PROXY_HOPS: "1",
  DATABASE_URL: "postgres://twofold:secret@db.example.com:5432/twofold",
} as const;

describe("configuration", () => {
  it("refuses to start in production without NEXTAUTH_SECRET, naming it", () => {
    expect(() => loadEnv({ ...production, NEXTAUTH_SECRET: undefined })).toThrow(/without NEXTAUTH_SECRET/);
  });

  it("refuses to start in production without TOTP_ENCRYPTION_KEY or NEXTAUTH_URL", () => {
    expect(() => loadEnv({ ...production, TOTP_ENCRYPTION_KEY: undefined })).toThrow(/TOTP_ENCRYPTION_KEY/);
    expect(() => loadEnv({ ...production, NEXTAUTH_URL: "" })).toThrow(/NEXTAUTH_URL/);
  });

  it("refuses to start in production without DATABASE_URL, and says how to choose the embedded database", () => {
    expect(() => loadEnv({ ...production, DATABASE_URL: undefined })).toThrow(
      /without DATABASE_URL\..*pglite:<folder>/,
    );
    expect(() => loadEnv({ ...production, DATABASE_URL: "", PGLITE_DIR: ".data/pglite" })).toThrow(
      /without DATABASE_URL/,
    );
    expect(loadEnv({ ...production, DATABASE_URL: "pglite:./.data/pglite" }).production).toBe(true);
  });

  it("rejects a key that is not 32 bytes of base64", () => {
    expect(() => loadEnv({ ...production, TOTP_ENCRYPTION_KEY: "c2hvcnQ=" })).toThrow(/32 bytes/);
  });

  it("uses Secure cookies only behind https", () => {
    expect(loadEnv(production).secureCookies).toBe(true);
    expect(loadEnv({ ...production, NEXTAUTH_URL: "http://localhost:3000" }).secureCookies).toBe(false);
  });

  it("reads earlier keys for rotation", () => {
    const env = loadEnv({
      ...production,
      TOTP_ENCRYPTION_KEY_ID: "k2",
      TOTP_PREVIOUS_KEYS: `k1:${Buffer.alloc(32, 2).toString("base64")}`,
    });
    expect(env.totpKeys.current.id).toBe("k2");
    expect([...env.totpKeys.all.keys()].sort()).toEqual(["k1", "k2"]);
  });

  it("refuses to start in production without TRUSTED_PROXY_HOPS, except on Vercel", () => {
    expect(() => loadEnv({ ...production, TRUSTED_PROXY_HOPS: undefined })).toThrow(/without TRUSTED_PROXY_HOPS/);
    expect(() => loadEnv({ ...production, TRUSTED_PROXY_HOPS: "" })).toThrow(/without TRUSTED_PROXY_HOPS/);
    expect(loadEnv({ ...production, TRUSTED_PROXY_HOPS: undefined, VERCEL: "1" }).onVercel).toBe(true);
    expect(loadEnv({ ...production, TRUSTED_PROXY_HOPS: "0" }).trustedProxyHops).toBe(0);
    expect(loadEnv({ ...production, NODE_ENV: "development", TRUSTED_PROXY_HOPS: undefined }).trustedProxyHops).toBe(0);
  });

  it("rejects a proxy count that is not a whole number from 0 to 10", () => {
    for (const hops of ["-1", "1.5", "two", "11"])
      expect(() => loadEnv({ ...production, TRUSTED_PROXY_HOPS: hops })).toThrow(/TRUSTED_PROXY_HOPS: must/);
  });

  it("gives scripts the configured key ring only, never a made-up development key", () => {
    expect(configuredTotpKeys({ NODE_ENV: "development" })).toBeNull();
    const keys = configuredTotpKeys({
      NODE_ENV: "production",
      TOTP_ENCRYPTION_KEY: key,
      TOTP_ENCRYPTION_KEY_ID: "k2",
      TOTP_PREVIOUS_KEYS: `k1:${Buffer.alloc(32, 2).toString("base64")}`,
    });
    expect(keys?.current).toEqual({ id: "k2", key: Buffer.alloc(32, 1) });
    expect([...keys!.all.keys()].sort()).toEqual(["k1", "k2"]);
    expect(() => configuredTotpKeys({ NODE_ENV: "production", TOTP_ENCRYPTION_KEY: "c2hvcnQ=" })).toThrow(/32 bytes/);
  });
});
