// Key rotation for TOTP_ENCRYPTION_KEY: every sealed TOTP secret (confirmed and pending) is opened
// with the key ring and sealed again under the current key. Resumable: each batch selects only the
// rows not yet under the current key, so a run that stops half-way is finished by the next one.
// Safe beside a running server: a row is rewritten only while it still holds the value that was read.
import { open, seal, type KeyRing } from "@/lib/crypto/secret-box";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { totpSecretContext } from "./secret-context";

const BATCH = 500;

export type RotationReport = {
  /** Secrets now sealed under the current key by this run. */
  resealed: number;
  /** Rows the ring could not open (a key missing from TOTP_PREVIOUS_KEYS); left as they are. */
  unreadable: string[];
  /** Recovery codes per older key id: hashes cannot be re-keyed, so those keys stay in the ring. */
  recoveryCodesByOldKey: Record<string, number>;
};

const keyIdOf = (sealed: string) => sealed.split(".")[1] ?? "";

function reseal(keys: KeyRing, sealed: string, context: string): string | null {
  try {
    return seal(open(sealed, keys, context), keys, context);
  } catch {
    return null;
  }
}

export async function rotateTotpKey(
  prisma: PrismaClient,
  keys: KeyRing,
  options: { maxRows?: number } = {},
): Promise<RotationReport> {
  const current = `v1.${keys.current.id}.`;
  const report: RotationReport = { resealed: 0, unreadable: [], recoveryCodesByOldKey: {} };
  let budget = options.maxRows ?? Infinity;
  const skip = new Set<string>();

  // Confirmed secrets, keyed by user id (the secret's associated data).
  for (let after = ""; budget > 0;) {
    const rows = await prisma.user.findMany({
      where: { id: { gt: after }, totpSecret: { not: null }, NOT: { totpSecret: { startsWith: current } } },
      select: { id: true, totpSecret: true },
      orderBy: { id: "asc" },
      take: Math.min(BATCH, budget),
    });
    if (!rows.length) break;
    for (const row of rows) {
      const next = reseal(keys, row.totpSecret!, totpSecretContext("totp", row.id));
      if (!next) {
        skip.add(`user ${row.id} (key ${keyIdOf(row.totpSecret!)})`);
        continue;
      }
      const { count } = await prisma.user.updateMany({
        where: { id: row.id, totpSecret: row.totpSecret },
        data: { totpSecret: next },
      });
      report.resealed += count;
    }
    budget -= rows.length;
    after = rows.at(-1)!.id;
  }

  // Secrets shown in an enrolment dialog and not yet confirmed (they expire in minutes anyway).
  for (let after = ""; budget > 0;) {
    const rows = await prisma.totpEnrolment.findMany({
      where: { userId: { gt: after }, NOT: { secret: { startsWith: current } } },
      select: { userId: true, secret: true },
      orderBy: { userId: "asc" },
      take: Math.min(BATCH, budget),
    });
    if (!rows.length) break;
    for (const row of rows) {
      const next = reseal(keys, row.secret, totpSecretContext("enrol", row.userId));
      if (!next) {
        skip.add(`pending enrolment of ${row.userId} (key ${keyIdOf(row.secret)})`);
        continue;
      }
      const { count } = await prisma.totpEnrolment.updateMany({
        where: { userId: row.userId, secret: row.secret },
        data: { secret: next },
      });
      report.resealed += count;
    }
    budget -= rows.length;
    after = rows.at(-1)!.userId;
  }

  const codes = await prisma.$queryRaw<{ keyId: string; count: bigint }[]>`
    SELECT split_part("codeHash", ':', 2) AS "keyId", count(*) AS "count" FROM "RecoveryCode"
    WHERE "usedAt" IS NULL AND "codeHash" LIKE 'h1:%' AND split_part("codeHash", ':', 2) <> ${keys.current.id}
    GROUP BY 1 ORDER BY 1`;
  report.recoveryCodesByOldKey = Object.fromEntries(codes.map((c) => [c.keyId, Number(c.count)]));
  report.unreadable = [...skip];
  return report;
}
