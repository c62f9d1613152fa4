import "server-only";
import { db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { openTotpSecret } from "../secret-store";
import { matchTotpStep, normalizeTotpCode } from "../totp";
import type { Enrolled, Factor, ProofResult } from "./factor";

const totpEnrolled: Enrolled = {
  where: { totpEnabledAt: { not: null } },
  sql: Prisma.sql`u."totpEnabledAt" IS NOT NULL`,
};

/**
 * Accepts a TOTP code at most once: the matched time step must be newer than the last accepted one,
 * advanced with one conditional UPDATE so parallel requests cannot both win.
 */
export async function acceptTotpCode(userId: string, code: string, nowMs = Date.now()): Promise<ProofResult> {
  const prisma = await db();
  const user = await prisma.user.findUnique({
    where: { id: userId },
    select: { totpSecret: true, totpEnabledAt: true },
  });
  if (!user?.totpSecret || !user.totpEnabledAt) return { ok: false, reason: "invalid" };
  const step = await matchTotpStep(openTotpSecret(userId, user.totpSecret), code, nowMs);
  if (step === null) return { ok: false, reason: "invalid" };
  const { count } = await prisma.user.updateMany({
    // The same authenticator by when it was set up, not by its ciphertext, which a key rotation re-seals.
    where: {
      id: userId,
      totpEnabledAt: user.totpEnabledAt,
      OR: [{ totpLastStep: null }, { totpLastStep: { lt: step } }],
    },
    data: { totpLastStep: step },
  });
  return count === 1 ? { ok: true, method: "totp" } : { ok: false, reason: "replay" };
}

/** The authenticator app: a 6-digit code, each time step accepted once. */
export const totpFactor: Factor<"totp"> = {
  kind: "totp",
  label: "authenticator app",
  enrolled: totpEnrolled,
  malformed: ({ code }) => (normalizeTotpCode(code) ? null : "Enter the 6-digit code from your authenticator app."),
  verify: (userId, { code }) => acceptTotpCode(userId, code),
  async remove(tx, userId) {
    await tx.totpEnrolment.deleteMany({ where: { userId } });
    await tx.user.update({
      where: { id: userId },
      data: { totpSecret: null, totpEnabledAt: null, totpLastStep: null },
    });
  },
};
