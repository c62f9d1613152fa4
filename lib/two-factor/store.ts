import "server-only";
import { env } from "@/lib/env";
import type { Prisma } from "@/lib/generated/prisma/client";
import { factors } from "./factors";
import { hashRecoveryCode } from "./recovery-code-hash";
import { newRecoveryCodes, normalizeRecoveryCode } from "./recovery-codes";

/** Deletes the whole old set and stores keyed hashes of a new one; returns the plain codes, shown once. */
export async function replaceRecoveryCodes(tx: Prisma.TransactionClient, userId: string): Promise<string[]> {
  const codes = newRecoveryCodes();
  await tx.recoveryCode.deleteMany({ where: { userId } });
  await tx.recoveryCode.createMany({
    data: codes.map((code) => ({
      userId,
      codeHash: hashRecoveryCode(env().totpKeys, userId, normalizeRecoveryCode(code)!),
    })),
  });
  return codes;
}

/**
 * Removes every factor of the user (each kind deletes its own rows, pending enrolments included) and
 * bumps the session version (ending every session). Shared by the user turning 2FA off and an admin's
 * Reset 2FA.
 */
export async function removeAllFactors(tx: Prisma.TransactionClient, userId: string) {
  for (const factor of Object.values(factors)) await factor.remove(tx, userId);
  // The version bump below already ends them; deleting says so in the profile's list too.
  await tx.rememberedDevice.deleteMany({ where: { userId } });
  return tx.user.update({
    where: { id: userId },
    data: { sessionVersion: { increment: 1 }, factorsResetAt: new Date() },
    select: { email: true, sessionVersion: true },
  });
}
