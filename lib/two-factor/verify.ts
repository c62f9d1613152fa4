import "server-only";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { recoveryCodeCandidates } from "./recovery-code-hash";
import { normalizeRecoveryCode } from "./recovery-codes";
import { openTotpSecret } from "./secret-store";
import { matchTotpStep } from "./totp";

export type Proof = { method: "totp"; code: string } | { method: "recovery"; code: string };
export type ProofResult =
  | { ok: true; method: "totp" }
  | { ok: true; method: "recovery"; remaining: number }
  | { ok: false; reason: "invalid" | "replay" };

/**
 * Accepts a TOTP code at most once: the matched time step must be newer than the last accepted one,
 * advanced with one conditional UPDATE so parallel requests cannot both win.
 */
export async function acceptTotpCode(userId: string, code: string, nowMs = Date.now()): Promise<ProofResult> {
  const prisma = await db();
  const user = await prisma.user.findUnique({ where: { id: userId }, select: { totpSecret: true } });
  if (!user?.totpSecret) return { ok: false, reason: "invalid" };
  const step = await matchTotpStep(openTotpSecret(userId, user.totpSecret), code, nowMs);
  if (step === null) return { ok: false, reason: "invalid" };
  const { count } = await prisma.user.updateMany({
    where: { id: userId, totpSecret: user.totpSecret, OR: [{ totpLastStep: null }, { totpLastStep: { lt: step } }] },
    data: { totpLastStep: step },
  });
  return count === 1 ? { ok: true, method: "totp" } : { ok: false, reason: "replay" };
}

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

export function checkProof(userId: string, proof: Proof): Promise<ProofResult> {
  return proof.method === "totp" ? acceptTotpCode(userId, proof.code) : consumeRecoveryCode(userId, proof.code);
}
