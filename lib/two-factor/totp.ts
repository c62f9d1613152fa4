// TOTP per RFC 6238 as every authenticator app implements it: SHA-1, 6 digits, 30-second steps.
import { randomBytes } from "node:crypto";
import { generate, ScureBase32Plugin, verify } from "otplib";

export const TOTP = { algorithm: "sha1", digits: 6, period: 30 } as const;
const base32 = new ScureBase32Plugin();

/** 160 random bits from the OS CSPRNG, Base32 without padding (32 characters). */
export function newTotpSecret(): string {
  return base32.encode(randomBytes(20)).replace(/=+$/, "");
}

/**
 * The otpauth URI with every parameter spelled out: otplib's generateURI leaves out the defaults,
 * and some authenticator apps guess wrong without them.
 */
export function totpUri(issuer: string, label: string, secret: string): string {
  const enc = encodeURIComponent; // a space is %20 and "@" is %40, as apps expect
  const query = `secret=${secret}&issuer=${enc(issuer)}&algorithm=SHA1&digits=${TOTP.digits}&period=${TOTP.period}`;
  return `otpauth://totp/${enc(issuer)}:${enc(label)}?${query}`;
}

/** Exactly six ASCII digits once spaces are removed; anything else (other digits, signs, 5 or 7) is null. */
export function normalizeTotpCode(input: string): string | null {
  const code = input.replace(/ /g, "");
  return /^[0-9]{6}$/.test(code) ? code : null;
}

/** The time step the code belongs to (current step or one either side), or null. Server clock only. */
export async function matchTotpStep(secret: string, input: string, nowMs = Date.now()): Promise<number | null> {
  const token = normalizeTotpCode(input);
  if (!token) return null;
  const result = await verify({
    secret,
    token,
    epoch: Math.floor(nowMs / 1000),
    epochTolerance: TOTP.period,
    algorithm: TOTP.algorithm,
    digits: TOTP.digits,
    period: TOTP.period,
  });
  return result.valid && "timeStep" in result ? result.timeStep : null;
}

/** Used by tests and the benchmark to act as an authenticator app. */
export function totpCode(secret: string, nowMs = Date.now()): Promise<string> {
  return generate({ secret, epoch: Math.floor(nowMs / 1000), ...TOTP });
}
