import "server-only";
import { z } from "zod";
import { holdsWebAddress, isPlainName } from "@/lib/plain-text";
import { hashPassword } from "@/lib/crypto/password";
import { db } from "@/lib/db";
import { isUniqueViolation } from "@/lib/db/errors";
import { AppError, ErrorCode } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";

/** What may leave the server about a user: never the password hash or 2FA secrets. (Their 2FA: the policy.) */
export const publicUserSelect = { id: true, email: true, name: true } as const;
export type PublicUser = { id: string; email: string; name: string };

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, "Email is too long.")
  .pipe(z.email("Enter a valid email address."));
export const passwordSchema = z.string().min(8, "Use at least 8 characters.").max(256, "Use at most 256 characters.");
export const nameSchema = z
  .string()
  .trim()
  .min(1, "Enter your name.")
  .max(100, "Use at most 100 characters.")
  .refine(isPlainName, "Use letters, not control or invisible characters.")
  .refine((name) => !holdsWebAddress(name), "A name cannot hold a web address.");

/** A user, a new account they own, and the owner membership, inside the caller's transaction. */
export async function insertUserWithAccount(
  tx: Prisma.TransactionClient,
  input: { name: string; email: string; passwordHash: string },
): Promise<PublicUser & { sessionVersion: number }> {
  const user = await tx.user.create({ data: input, select: { ...publicUserSelect, sessionVersion: true } });
  await tx.account.create({
    data: { name: `${input.name}'s account`, memberships: { create: { userId: user.id, role: "owner" } } },
  });
  return user;
}

/** A user with their own account straight away (tests and scripts; people sign up through lib/auth/signup). */
export async function createUserWithAccount(input: {
  name: string;
  email: string;
  password: string;
}): Promise<PublicUser & { sessionVersion: number }> {
  const prisma = await db();
  const passwordHash = await hashPassword(input.password);
  try {
    return await prisma.$transaction((tx) =>
      insertUserWithAccount(tx, { name: input.name, email: input.email, passwordHash }),
    );
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError(ErrorCode.emailTaken);
    throw error;
  }
}

/** Bumps the session version: every JWT issued before ends, and open login challenges die. */
export async function bumpSessionVersion(userId: string): Promise<number> {
  const prisma = await db();
  const user = await prisma.user.update({
    where: { id: userId },
    data: { sessionVersion: { increment: 1 } },
    select: { sessionVersion: true },
  });
  return user.sessionVersion;
}
