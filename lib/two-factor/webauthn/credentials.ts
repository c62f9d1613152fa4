import "server-only";
import type { AuthenticatorTransportFuture } from "@simplewebauthn/server";
import { audit, AuditType } from "@/lib/audit";
import { db } from "@/lib/db";
import { AppError, ErrorCode } from "@/lib/errors";
import { Prisma } from "@/lib/generated/prisma/client";
import type { RequestMeta } from "@/lib/request-meta";
import { securityKeyNameSchema } from "./schema";

/** What may reach a page about a key: never its public key or counter (nothing secret, but not needed). */
export const webAuthnCredentialSelect = {
  id: true,
  name: true,
  createdAt: true,
  lastUsedAt: true,
  deviceType: true,
  backedUp: true,
  transports: true,
} satisfies Prisma.WebAuthnCredentialSelect;
export type WebAuthnCredentialSummary = Prisma.WebAuthnCredentialGetPayload<{
  select: typeof webAuthnCredentialSelect;
}>;

/** "Has a security key", as a Prisma filter on User and as SQL on a user row aliased `u` (factor registry). */
export const webAuthnEnrolled = {
  where: { webAuthnCredentials: { some: {} } } satisfies Prisma.UserWhereInput,
  sql: Prisma.sql`EXISTS (SELECT 1 FROM "WebAuthnCredential" w WHERE w."userId" = u."id")`,
};

export async function listWebAuthnCredentials(userId: string): Promise<WebAuthnCredentialSummary[]> {
  const prisma = await db();
  return prisma.webAuthnCredential.findMany({
    where: { userId },
    select: webAuthnCredentialSelect,
    orderBy: { createdAt: "asc" },
  });
}

const TRANSPORTS: readonly string[] = ["ble", "cable", "hybrid", "internal", "nfc", "smart-card", "usb"];

/** Only transports the WebAuthn spec names, as hints the browser understands. */
export function knownTransports(values: readonly string[] | undefined): AuthenticatorTransportFuture[] {
  return (values ?? []).filter((t): t is AuthenticatorTransportFuture => TRANSPORTS.includes(t));
}

export function parseKeyName(input: unknown): string {
  const parsed = securityKeyNameSchema.safeParse(input);
  if (!parsed.success) throw new AppError(ErrorCode.invalidInput, parsed.error.issues[0]!.message);
  return parsed.data;
}

/** Renames one of the user's own keys; another user's key id is "not found", exactly like a missing one. */
export async function renameWebAuthnCredential(userId: string, keyId: string, name: unknown, meta: RequestMeta) {
  const newName = parseKeyName(name);
  const prisma = await db();
  const key = await prisma.webAuthnCredential.findFirst({ where: { id: keyId, userId }, select: { name: true } });
  const { count } = await prisma.webAuthnCredential.updateMany({
    where: { id: keyId, userId },
    data: { name: newName },
  });
  if (!key || count !== 1) throw notFound();
  await audit({ type: AuditType.webAuthnRenamed, actorId: userId, meta, details: { from: key.name, name: newName } });
  return newName;
}

export const notFound = () => new AppError(ErrorCode.notFound, "That security key no longer exists.");

/** Deletes every key and pending ceremony of the user (Reset 2FA, 2FA off), inside the caller's transaction. */
export async function removeAllWebAuthnCredentials(tx: Prisma.TransactionClient, userId: string): Promise<void> {
  await tx.webAuthnCeremony.deleteMany({ where: { userId } });
  await tx.webAuthnCredential.deleteMany({ where: { userId } });
}
