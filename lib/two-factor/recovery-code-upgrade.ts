// Rows written before recovery codes were keyed hold an unkeyed SHA-256 that a dump can brute-force.
// Run where the key is available (server start, `npm run db:migrate`); idempotent and safe to run
// twice at once: each row is rewritten only while it still holds the value that was read.
import { open, type KeyRing } from "@/lib/crypto/secret-box";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { isUnkeyedRecoveryHash, upgradeUnkeyedRecoveryHash } from "./recovery-code-hash";
import { totpSecretContext } from "./secret-context";

// The rewrite cannot be undone, so it happens only under a ring that opens the user's own TOTP
// secret: a server started with a wrong key leaves the rows as they are, for a later run.
function ringOpens(keys: KeyRing, userId: string, sealed: string | null): boolean {
  if (!sealed) return false;
  try {
    open(sealed, keys, totpSecretContext("totp", userId));
    return true;
  } catch {
    return false;
  }
}

/** Returns how many rows it upgraded; logs users whose rows it had to leave unkeyed. */
export async function upgradeLegacyRecoveryCodes(prisma: PrismaClient, keys: KeyRing): Promise<number> {
  // Keyed values start with "h1:"; every other row is a candidate, and the format check decides.
  const rows = await prisma.recoveryCode.findMany({
    where: { NOT: { codeHash: { startsWith: "h1:" } } },
    select: { id: true, userId: true, codeHash: true, user: { select: { totpSecret: true } } },
  });
  const skipped = new Set<string>();
  let upgraded = 0;
  for (const row of rows) {
    if (!isUnkeyedRecoveryHash(row.codeHash)) continue;
    if (!ringOpens(keys, row.userId, row.user.totpSecret)) {
      skipped.add(row.userId);
      continue;
    }
    const { count } = await prisma.recoveryCode.updateMany({
      where: { id: row.id, codeHash: row.codeHash },
      data: { codeHash: upgradeUnkeyedRecoveryHash(keys, row.userId, row.codeHash) },
    });
    upgraded += count;
  }
  if (skipped.size) {
    console.warn(
      `[recovery codes] left ${skipped.size} user(s)' codes unkeyed (and unusable): the configured keys do not open their TOTP secret.`,
    );
  }
  return upgraded;
}
