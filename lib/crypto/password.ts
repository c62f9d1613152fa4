import { hash, verify } from "@node-rs/argon2";

// argon2id (the library's default algorithm) with its salt per hash; m=19 MiB, t=2 (OWASP's baseline).
const options = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, options);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

// Checked against when the email is unknown, so a miss costs as long as a hit.
let dummy: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummy ??= hashPassword("not-a-real-password-but-as-slow");
  return dummy;
}
