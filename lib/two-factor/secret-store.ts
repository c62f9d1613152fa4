import "server-only";
import { open, seal } from "@/lib/crypto/secret-box";
import { env } from "@/lib/env";
import { totpSecretContext } from "./secret-context";

export const sealTotpSecret = (userId: string, secret: string, purpose: "totp" | "enrol" = "totp") =>
  seal(secret, env().totpKeys, totpSecretContext(purpose, userId));

export const openTotpSecret = (userId: string, sealed: string, purpose: "totp" | "enrol" = "totp") =>
  open(sealed, env().totpKeys, totpSecretContext(purpose, userId));
