import "server-only";
import { open, seal } from "@/lib/crypto/secret-box";
import { env } from "@/lib/env";

// The associated data names the owner and purpose, so a ciphertext moved to another row won't open.
const context = (purpose: "totp" | "enrol", userId: string) => `${purpose}:${userId}`;

export const sealTotpSecret = (userId: string, secret: string, purpose: "totp" | "enrol" = "totp") =>
  seal(secret, env().totpKeys, context(purpose, userId));

export const openTotpSecret = (userId: string, sealed: string, purpose: "totp" | "enrol" = "totp") =>
  open(sealed, env().totpKeys, context(purpose, userId));
