import "server-only";
import { AuditType } from "@/lib/audit";
import { db } from "@/lib/db";
import { messages } from "@/lib/mail/messages";
import type { RequestMeta } from "@/lib/request-meta";
import { countingFactors } from "../factors";
import type { Proof } from "../proof";
import { removeOneFactor } from "../remove-factor";
import { notFound } from "./credentials";

/**
 * Removes one of the user's keys after a fresh second factor (a code, a recovery code, or a key, as
 * turning 2FA off asks): ../remove-factor.ts, which also turns 2FA off when it was the last factor
 * and refuses that while an account of the user enforces 2FA.
 */
export async function removeWebAuthnCredential(userId: string, keyId: string, proof: Proof, meta: RequestMeta) {
  const prisma = await db();
  const key = await prisma.webAuthnCredential.findFirst({ where: { id: keyId, userId }, select: { name: true } });
  if (!key) throw notFound();
  return removeOneFactor(userId, proof, meta, {
    // Any other counting factor (the registry's): an authenticator app or another key.
    othersRemain: {
      OR: countingFactors.map((f) =>
        f.kind === "webauthn" ? { webAuthnCredentials: { some: { id: { not: keyId } } } } : f.enrolled.where,
      ),
    },
    remove: async (tx) => (await tx.webAuthnCredential.deleteMany({ where: { id: keyId, userId } })).count === 1,
    notFound,
    mail: (email, last) => messages.webAuthnRemoved(email, key.name, last, meta.origin),
    audit: { type: AuditType.webAuthnRemoved, details: { name: key.name } },
  });
}
