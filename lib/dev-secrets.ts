// Development only: secrets generated on first use and kept in the git-ignored data folder, so
// `npm run dev` works with no .env and sessions survive restarts.
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

type Secrets = Record<string, string>;

export function devSecret(name: "NEXTAUTH_SECRET" | "TOTP_ENCRYPTION_KEY"): string {
  const file = path.resolve(/*turbopackIgnore: true*/ process.env.TWOFOLD_DATA_DIR || ".data", "dev-secrets.json");
  let secrets: Secrets = {};
  try {
    secrets = JSON.parse(readFileSync(file, "utf8")) as Secrets;
  } catch {}
  if (!secrets[name]) {
    secrets[name] = randomBytes(32).toString("base64");
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return secrets[name];
}
