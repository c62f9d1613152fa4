import { createHash, randomBytes } from "node:crypto";

/** 256 random bits, URL-safe: login challenges, reset and invitation links. */
export function randomToken(): string {
  return randomBytes(32).toString("base64url");
}

/** Tokens and recovery codes carry ≥ 50 bits of CSPRNG entropy, so a plain SHA-256 is enough. */
export function sha256(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}
