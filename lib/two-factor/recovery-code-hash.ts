// Recovery codes have only 50 bits, so an unkeyed hash of them is one GPU pass away from a database
// dump. They are stored as "h1:<keyId>:<hex>", an HMAC-SHA-256 under a key derived from the TOTP
// encryption key (HKDF, its own label), over the user id and the code's SHA-256 digest. Hashing the
// digest rather than the code lets rows written by earlier versions, which stored that digest, be
// upgraded in place without knowing the codes.
import { createHash, createHmac, hkdfSync } from "node:crypto";
import type { KeyRing } from "@/lib/crypto/secret-box";

const PREFIX = "h1";
const HKDF_INFO = "twofold recovery-code hmac v1";

function hmacKey(key: Buffer): Buffer {
  return Buffer.from(hkdfSync("sha256", key, Buffer.alloc(0), HKDF_INFO, 32));
}

/** The unkeyed digest earlier versions stored; only ever an input to the keyed hash now. */
function unkeyedDigest(normalized: string): string {
  return createHash("sha256").update(`recovery:${normalized}`).digest("hex");
}

function keyedHash(keyId: string, key: Buffer, userId: string, digest: string): string {
  // User ids never contain NUL (PostgreSQL text cannot), so the input splits only one way.
  const mac = createHmac("sha256", hmacKey(key)).update(`${userId}\0${digest}`).digest("hex");
  return `${PREFIX}:${keyId}:${mac}`;
}

/** The value stored for a new code: under the current key. */
export function hashRecoveryCode(keys: KeyRing, userId: string, normalized: string): string {
  return keyedHash(keys.current.id, keys.current.key, userId, unkeyedDigest(normalized));
}

/** What a code may be stored as: its hash under every key of the ring (older keys after a rotation). */
export function recoveryCodeCandidates(keys: KeyRing, userId: string, normalized: string): string[] {
  const digest = unkeyedDigest(normalized);
  return [...keys.all].map(([id, key]) => keyedHash(id, key, userId, digest));
}

export function isUnkeyedRecoveryHash(stored: string): boolean {
  return /^[0-9a-f]{64}$/.test(stored);
}

/** Rehashes a value stored by an earlier version under the current key; the code still works once. */
export function upgradeUnkeyedRecoveryHash(keys: KeyRing, userId: string, stored: string): string {
  if (!isUnkeyedRecoveryHash(stored)) throw new Error("Not an unkeyed recovery code hash.");
  return keyedHash(keys.current.id, keys.current.key, userId, stored);
}
