import "server-only";
import { audit, AuditType } from "@/lib/audit";
import { hashPassword } from "@/lib/crypto/password";
import { randomToken, sha256 } from "@/lib/crypto/tokens";
import { db } from "@/lib/db";
import { isUniqueViolation } from "@/lib/db/errors";
import { AppError, ErrorCode } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { Role } from "@/lib/generated/prisma/enums";
import { messages } from "@/lib/mail/messages";
import { sendMail } from "@/lib/mail/send";
import { limits, rateLimitedError, releaseAll, reserveAttempt, type Attempt } from "@/lib/rate-limit";
import type { RequestMeta } from "@/lib/request-meta";
import { assertCanManage, canGrant } from "./guard";

export const INVITATION_TTL_MS = 7 * 24 * 3_600_000;

/**
 * Each invitation email, resends included, counts against the sender and the account, so an admin
 * (or a stolen admin session) cannot send mail to any address without end. Refused before anything
 * is written or sent.
 */
async function reserveInvitationEmail(actorId: string, accountId: string, meta: RequestMeta) {
  const reserved: Attempt[] = [];
  for (const [key, { limit, windowMs }] of [
    [`invitations:actor:${actorId}`, limits.invitationsPerActor],
    [`invitations:account:${accountId}`, limits.invitationsPerAccount],
  ] as const) {
    const attempt = await reserveAttempt(key, limit, windowMs);
    if (!attempt.allowed) {
      await releaseAll(reserved);
      await audit({ type: AuditType.invitationRateLimited, actorId, accountId, meta });
      throw rateLimitedError("Too many invitations sent.", attempt);
    }
    reserved.push(attempt);
  }
}

async function issue(invitationId: string, accountName: string, inviterId: string, email: string, meta: RequestMeta) {
  const prisma = await db();
  const token = randomToken();
  const { accountId } = await prisma.invitation.update({
    where: { id: invitationId },
    data: { tokenHash: sha256(token), expiresAt: new Date(Date.now() + INVITATION_TTL_MS) },
    select: { accountId: true },
  });
  const inviter = await prisma.user.findUniqueOrThrow({ where: { id: inviterId }, select: { name: true } });
  // The account's message: if it bounces, its admins are told (lib/mail/outbox.ts).
  await sendMail({ ...messages.invitation(email, accountName, inviter.name, token, meta.origin), accountId });
}

export async function inviteMember(actorId: string, accountId: string, email: string, role: Role, meta: RequestMeta) {
  const actor = await assertCanManage(actorId, accountId);
  if (!canGrant(actor.role, role)) throw new AppError(ErrorCode.forbidden);
  const prisma = await db();
  const existing = await prisma.membership.findFirst({ where: { accountId, user: { email } } });
  if (existing) throw new AppError(ErrorCode.alreadyMember);
  await reserveInvitationEmail(actorId, accountId, meta);
  await prisma.invitation.deleteMany({ where: { accountId, email, acceptedAt: null } });
  const invitation = await prisma.invitation.create({
    data: { accountId, email, role, invitedById: actorId, tokenHash: sha256(randomToken()), expiresAt: new Date() },
  });
  await issue(invitation.id, actor.account.name, actorId, email, meta);
  await audit({ type: AuditType.invitationSent, actorId, accountId, meta, details: { email, role } });
}

/** A fresh link (the old one stops working) and a new 7 days. */
export async function resendInvitation(actorId: string, accountId: string, invitationId: string, meta: RequestMeta) {
  const actor = await assertCanManage(actorId, accountId);
  const prisma = await db();
  const invitation = await prisma.invitation.findFirst({ where: { id: invitationId, accountId, acceptedAt: null } });
  if (!invitation) throw new AppError(ErrorCode.notFound);
  await reserveInvitationEmail(actorId, accountId, meta);
  await issue(invitation.id, actor.account.name, actorId, invitation.email, meta);
  await audit({
    type: AuditType.invitationSent,
    actorId,
    accountId,
    meta,
    details: { email: invitation.email, resend: true },
  });
}

export async function revokeInvitation(actorId: string, accountId: string, invitationId: string, meta: RequestMeta) {
  await assertCanManage(actorId, accountId);
  const prisma = await db();
  const { count } = await prisma.invitation.deleteMany({ where: { id: invitationId, accountId, acceptedAt: null } });
  if (count !== 1) throw new AppError(ErrorCode.notFound);
  await audit({ type: AuditType.invitationRevoked, actorId, accountId, meta });
}

export async function pendingInvitations(accountId: string) {
  const prisma = await db();
  return prisma.invitation.findMany({
    where: { accountId, acceptedAt: null },
    orderBy: { createdAt: "desc" },
    select: { id: true, email: true, role: true, expiresAt: true },
  });
}

/**
 * Whether the sender of an invitation may still give its role in its account (a removed or demoted
 * owner or admin may not). Inside acceptInvitation's transaction, after the account's row is locked,
 * so a role change or removal (which lock it too, lib/accounts/members.ts) is either seen or waits.
 */
async function senderMayGive(
  client: Pick<Prisma.TransactionClient, "membership">,
  invitation: { invitedById: string | null; role: Role; accountId: string },
) {
  if (!invitation.invitedById) return false;
  const sender = await client.membership.findUnique({
    where: { userId_accountId: { userId: invitation.invitedById, accountId: invitation.accountId } },
    select: { role: true },
  });
  return !!sender && canGrant(sender.role, invitation.role);
}

/** An open invitation behind a link, with whether its email already has a user. */
export async function findInvitation(token: string) {
  const prisma = await db();
  const invitation = await prisma.invitation.findUnique({
    where: { tokenHash: sha256(token) },
    select: {
      id: true,
      email: true,
      role: true,
      expiresAt: true,
      acceptedAt: true,
      invitedById: true,
      accountId: true,
      account: { select: { id: true, name: true } },
    },
  });
  if (!invitation || invitation.acceptedAt || invitation.expiresAt <= new Date()) return null;
  if (!(await senderMayGive(prisma, invitation))) return null;
  const user = await prisma.user.findUnique({ where: { email: invitation.email }, select: { id: true } });
  return { ...invitation, existingUserId: user?.id ?? null };
}

/**
 * Accepts an invitation, once (conditional update), while its sender may still give its role. A new
 * user is created with the given name and password; an existing user must have proved their password
 * already. Returns the user id.
 */
export async function acceptInvitation(
  token: string,
  who: { kind: "new"; name: string; password: string } | { kind: "existing"; userId: string },
  meta: RequestMeta,
): Promise<string> {
  const invitation = await findInvitation(token);
  if (!invitation) throw new AppError(ErrorCode.invalidLink);
  const prisma = await db();
  const passwordHash = who.kind === "new" ? await hashPassword(who.password) : null;
  let userId: string;
  try {
    userId = await prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM "Account" WHERE id = ${invitation.accountId} FOR SHARE`;
      if (!(await senderMayGive(tx, invitation))) throw new AppError(ErrorCode.invalidLink);
      const { count } = await tx.invitation.updateMany({
        where: { id: invitation.id, acceptedAt: null, expiresAt: { gt: new Date() } },
        data: { acceptedAt: new Date() },
      });
      if (count !== 1) throw new AppError(ErrorCode.invalidLink);
      const id =
        who.kind === "existing"
          ? who.userId
          : (
              await tx.user.create({
                data: { email: invitation.email, name: who.name, passwordHash: passwordHash! },
                select: { id: true },
              })
            ).id;
      await tx.membership.upsert({
        where: { userId_accountId: { userId: id, accountId: invitation.account.id } },
        create: { userId: id, accountId: invitation.account.id, role: invitation.role },
        update: {},
      });
      return id;
    });
  } catch (error) {
    // Someone signed up with this email since the page was shown: they accept as an existing user.
    if (isUniqueViolation(error))
      throw new AppError(
        ErrorCode.emailTaken,
        "An account with this email now exists. Reload the page and enter its password.",
      );
    throw error;
  }
  await audit({
    type: AuditType.invitationAccepted,
    actorId: userId,
    accountId: invitation.account.id,
    meta,
    details: { role: invitation.role },
  });
  return userId;
}
