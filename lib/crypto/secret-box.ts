// AES-256-GCM for TOTP secrets at rest. Stored as "v1.<keyId>.<nonce>.<ciphertext>.<tag>" (base64url)
// so keys can rotate: new secrets use the current key, old ones stay readable by their key id.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

export type KeyRing = { current: { id: string; key: Buffer }; all: Map<string, Buffer> };

export function seal(plaintext: string, keys: KeyRing, context: string): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keys.current.key, nonce);
  cipher.setAAD(Buffer.from(context)); // binds the ciphertext to its owner: a copied value won't open
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const parts = [nonce, body, cipher.getAuthTag()].map((b) => b.toString("base64url"));
  return ["v1", keys.current.id, ...parts].join(".");
}

export function open(sealed: string, keys: KeyRing, context: string): string {
  const [version, keyId, nonce, body, tag] = sealed.split(".");
  const key = keys.all.get(keyId ?? "");
  if (version !== "v1" || !key || !nonce || body === undefined || !tag) {
    throw new Error("Encrypted value has an unknown format or key id.");
  }
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(nonce, "base64url"));
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
}
