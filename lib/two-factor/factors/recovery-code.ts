import "server-only";
import { audit, AuditType } from "@/lib/audit";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { messages } from "@/lib/mail/messages";
import { sendMail } from "@/lib/mail/send";
import type { RequestMeta } from "@/lib/request-meta";
import { recoveryCodeCandidates } from "../recovery-code-hash";
import { normalizeRecoveryCode } from "../recovery-codes";
import type { Factor, ProofResult } from "./factor";

/**
 * Marks one unused recovery code used, in one conditional UPDATE (single use under races). The code
 * may be stored under any key of the ring; unkeyed values from earlier versions never match.
 */
export async function consumeRecoveryCode(userId: string, input: string): Promise<ProofResult> {
  const normalized = normalizeRecoveryCode(input);
  if (!normalized) return { ok: false, reason: "invalid" };
  const prisma = await db();
  const { count } = await prisma.recoveryCode.updateMany({
    where: { userId, codeHash: { in: recoveryCodeCandidates(env().totpKeys, userId, normalized) }, usedAt: null },
    data: { usedAt: new Date() },
  });
  if (count !== 1) return { ok: false, reason: "invalid" };
  return { ok: true, method: "recovery", remaining: await countUnusedRecoveryCodes(userId) };
}

export async function countUnusedRecoveryCodes(userId: string): Promise<number> {
  const prisma = await db();
  return prisma.recoveryCode.count({ where: { userId, usedAt: null } });
}

async function reportRecoveryCodeUse(userId: string, remaining: number, meta?: RequestMeta) {
  const prisma = await db();
  const user = await prisma.user.findUniqueOrThrow({ where: { id: userId }, select: { email: true } });
  await audit({ type: AuditType.recoveryCodeUsed, subjectId: userId, meta, details: { remaining } });
  await sendMail(messages.recoveryCodeUsed(user.email, remaining, meta?.origin));
}

/** Ten single-use codes issued with the first factor: a backup of the others, never "2FA on" alone. */
export const recoveryCodeFactor: Factor<"recovery"> = {
  kind: "recovery",
  label: "recovery code",
  enrolled: null,
  malformed: ({ code }) => (normalizeRecoveryCode(code) ? null : "Enter a recovery code like ABCDE-12345."),
  verify: (userId, { code }) => consumeRecoveryCode(userId, code),
  async afterUse(userId, result, meta) {
    if (result.method === "recovery") await reportRecoveryCodeUse(userId, result.remaining, meta);
  },
  async remove(tx, userId) {
    await tx.recoveryCode.deleteMany({ where: { userId } });
  },
};
