import { createHash, randomBytes } from "node:crypto";

/** 256 random bits, URL-safe: login challenges, reset and invitation links. */
export function randomToken(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * For 256-bit random tokens only, where guessing the input is hopeless. Never for short secrets such
 * as recovery codes (50 bits): those need a keyed hash (lib/two-factor/recovery-code-hash.ts).
 */
export function sha256(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}
