import { totpCode } from "../../lib/two-factor/totp";

/**
 * `secret`'s real codes from 2 minutes ago to 5 minutes ahead, the minutes a test sends codes in. A
 * code a test sends as a wrong one must not be among them: a fixed "000000" is a real code one step
 * in a million, and the test would be told "already used" or be let in.
 */
export async function codesAround(secret: string): Promise<Set<string>> {
  const codes = new Set<string>();
  for (let step = -4; step <= 10; step++) codes.add(await totpCode(secret, Date.now() + step * 30_000));
  return codes;
}
