import "server-only";
import { audit, AuditType } from "@/lib/audit";
import { requireRecentPassword } from "@/lib/auth/recent-password";
import type { ProvedUser } from "@/lib/auth/sign-in";
import { hashPassword } from "@/lib/crypto/password";
import { randomToken, sha256 } from "@/lib/crypto/tokens";
import { db } from "@/lib/db";
import { isUniqueViolation } from "@/lib/db/errors";
import { AppError, ErrorCode } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { Role } from "@/lib/generated/prisma/enums";
import { messages } from "@/lib/mail/messages";
import { sendMail } from "@/lib/mail/send";
import { limits, rateLimitedError, releaseAll, reserveEach, type Attempt } from "@/lib/rate-limit";
import type { RequestMeta } from "@/lib/request-meta";
import { hasSecondFactorSql } from "@/lib/two-factor/second-factor";
import { assertCanManage, assertMayGive, canGrant, withAccountLocked } from "./guard";

export const INVITATION_TTL_MS = 7 * 24 * 3_600_000;

/**
 * Each invitation email, resends included, counts against the sender, the account and the address,
 * so an admin (or a stolen admin session) cannot send mail to any address without end, nor many
 * newly signed-up accounts flood one address. One account can use only a few of an address's: a
 * stranger would need seven fresh accounts an hour to hold up a real invitation to it. Refused before
 * anything is written or sent.
 */
async function reserveInvitationEmail(actorId: string, accountId: string, email: string, meta: RequestMeta) {
  const sent = "Too many invitations sent.";
  const received = `Too many invitations to ${email} lately.`;
  const keys = [
    [`invitations:actor:${actorId}`, limits.invitationsPerActor, sent],
    [`invitations:account:${accountId}`, limits.invitationsPerAccount, sent],
    [`invitations:email-account:${email}:${accountId}`, limits.invitationsPerEmailFromAccount, received],
    [`invitations:email:${email}`, limits.invitationsPerEmail, received],
  ] as const;
  const { reserved, refused } = await reserveEach(keys);
  if (refused) {
    await audit({ type: AuditType.invitationRateLimited, actorId, accountId, meta });
    throw rateLimitedError(keys[refused.index]![2], refused.attempt);
  }
  return reserved;
}

/**
 * Runs the locked part of sending an invitation with its email reserved: a refusal there (the sender
 * demoted, the invitation gone, the address a member since the checks before the lock) gives the
 * reservation back, since nothing is sent.
 */
async function withReservation<T>(reserved: Attempt[], write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof AppError) await releaseAll(reserved);
    throw error;
  }
}

/** The invitation email, in the name of the person who sent it (or sent it again). */
async function mailInvitation(
  invitation: { accountId: string; email: string },
  accountName: string,
  senderId: string,
  token: string,
  meta: RequestMeta,
) {
  const prisma = await db();
  const sender = await prisma.user.findUniqueOrThrow({ where: { id: senderId }, select: { name: true, email: true } });
  const { accountId, email } = invitation;
  // The account's message: if it bounces, its admins are told (lib/mail/outbox.ts).
  await sendMail({ ...messages.invitation(email, accountName, sender, token, meta.origin), accountId });
}

/**
 * An invitation replaces the address's open one; an admin may not replace an owner's invitation as
 * owner (which they could neither send nor revoke) with one of their own.
 */
async function assertMayReplace(
  client: Pick<Prisma.TransactionClient, "invitation">,
  actorRole: Role,
  accountId: string,
  email: string,
) {
  const open = await client.invitation.findFirst({
    where: { accountId, email, acceptedAt: null },
    select: { role: true },
  });
  if (open && !canGrant(actorRole, open.role)) throw new AppError(ErrorCode.forbidden);
}

const newLink = () => {
  const token = randomToken();
  return { token, tokenHash: sha256(token), expiresAt: new Date(Date.now() + INVITATION_TTL_MS) };
};

/**
 * Invites an address into the account. Written under the account's lock, as role changes and
 * removals are (./members.ts): the sender's right to give the role is checked again there, so an
 * invitation is never written after its sender lost that right, and of two invitations to one
 * address at once the later replaces the earlier (one open link per address, also by index).
 */
export async function inviteMember(actorId: string, accountId: string, email: string, role: Role, meta: RequestMeta) {
  const actor = await assertMayGive(actorId, accountId, role);
  const prisma = await db();
  const member = { accountId, user: { email } };
  if (await prisma.membership.findFirst({ where: member })) throw new AppError(ErrorCode.alreadyMember);
  await assertMayReplace(prisma, actor.role, accountId, email);
  const reserved = await reserveInvitationEmail(actorId, accountId, email, meta);
  const { token, ...link } = newLink();
  await withReservation(reserved, () =>
    withAccountLocked(accountId, async (tx) => {
      const sender = await assertMayGive(actorId, accountId, role, tx);
      if (await tx.membership.findFirst({ where: member })) throw new AppError(ErrorCode.alreadyMember);
      await assertMayReplace(tx, sender.role, accountId, email);
      await tx.invitation.deleteMany({ where: { accountId, email, acceptedAt: null } });
      await tx.invitation.create({ data: { accountId, email, role, invitedById: actorId, ...link } });
    }),
  );
  await mailInvitation({ accountId, email }, actor.account.name, actorId, token, meta);
  await audit({ type: AuditType.invitationSent, actorId, accountId, meta, details: { email, role } });
}

/**
 * A fresh link (the old one stops working) and a new 7 days, by someone who may give its role. Sent
 * again, it is the resender's invitation: the email names them, and it lasts while they may give it.
 */
export async function resendInvitation(actorId: string, accountId: string, invitationId: string, meta: RequestMeta) {
  const actor = await assertCanManage(actorId, accountId);
  const prisma = await db();
  const open = { id: invitationId, accountId, acceptedAt: null };
  const found = await prisma.invitation.findFirst({ where: open, select: { role: true, email: true } });
  if (!found) throw new AppError(ErrorCode.notFound);
  await assertMayGive(actorId, accountId, found.role);
  const reserved = await reserveInvitationEmail(actorId, accountId, found.email, meta);
  const { token, ...link } = newLink();
  const invitation = await withReservation(reserved, () =>
    withAccountLocked(accountId, async (tx) => {
      const current = await tx.invitation.findFirst({ where: open, select: { role: true } });
      if (!current) throw new AppError(ErrorCode.notFound);
      await assertMayGive(actorId, accountId, current.role, tx);
      // Conditional, not by id alone: the purge may delete it meanwhile (it expired), without the lock.
      const [resent] = await tx.invitation.updateManyAndReturn({
        where: open,
        data: { invitedById: actorId, ...link },
        select: { accountId: true, email: true, role: true },
      });
      if (!resent) throw new AppError(ErrorCode.notFound);
      return resent;
    }),
  );
  await mailInvitation(invitation, actor.account.name, actorId, token, meta);
  await audit({
    type: AuditType.invitationSent,
    actorId,
    accountId,
    meta,
    details: { email: invitation.email, role: invitation.role, resend: true },
  });
}

/** Revokes an open invitation whose role the actor may give (an admin cannot undo an owner's owner invitation). */
export async function revokeInvitation(actorId: string, accountId: string, invitationId: string, meta: RequestMeta) {
  await withAccountLocked(accountId, async (tx) => {
    const invitation = await tx.invitation.findFirst({
      where: { id: invitationId, accountId, acceptedAt: null },
      select: { role: true },
    });
    if (!invitation) throw new AppError(ErrorCode.notFound);
    await assertMayGive(actorId, accountId, invitation.role, tx);
    await tx.invitation.delete({ where: { id: invitationId } });
  });
  await audit({ type: AuditType.invitationRevoked, actorId, accountId, meta });
}

/** The account's open invitations, each with who sent it (in whose name it acts). */
export async function pendingInvitations(accountId: string) {
  const prisma = await db();
  const invitations = await prisma.invitation.findMany({
    where: { accountId, acceptedAt: null },
    orderBy: { createdAt: "desc" },
    select: { id: true, email: true, role: true, expiresAt: true, invitedById: true },
  });
  const senderIds = [...new Set(invitations.flatMap((i) => (i.invitedById ? [i.invitedById] : [])))];
  const senders = await prisma.user.findMany({ where: { id: { in: senderIds } }, select: { id: true, name: true } });
  const names = new Map(senders.map((sender) => [sender.id, sender.name]));
  return invitations.map(({ invitedById, ...invitation }) => ({
    ...invitation,
    invitedBy: (invitedById && names.get(invitedById)) ?? null,
  }));
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

const CHANGED = "Your account changed while you were joining. Please try again.";

const SIGN_IN_TO_ACCEPT = "Your account uses two-factor authentication: sign in with it, then accept the invitation.";

/**
 * An existing user joins only as the invitation's email, under the version they were proved at: a
 * password change or reset since then (held off by this share lock until the acceptance commits) ends
 * the acceptance too. Their password alone is enough only while they have no second factor: a
 * membership gives its account a say over their factors (Reset 2FA), so someone who has the password
 * and the mailbox but not the second factor must not get one; such a user accepts signed in, lately
 * (requireRecentPassword): a stolen cookie of an old session, with the mailbox, must not get one either.
 */
async function stillProved(tx: Prisma.TransactionClient, who: ExistingUser, email: string): Promise<ProvedUser> {
  const { user } = who;
  const [row] = await tx.$queryRaw<{ invitee: boolean; current: boolean; protected: boolean }[]>`
    SELECT u."email" = ${email} AS "invitee", u."sessionVersion" = ${user.sessionVersion}::int AS "current",
      ${hasSecondFactorSql} AS "protected"
    FROM "User" AS u WHERE u."id" = ${user.id} FOR SHARE OF u`;
  if (!row?.current) throw new AppError(ErrorCode.challengeExpired, CHANGED);
  if (!row.invitee) throw new AppError(ErrorCode.invalidLink, "This invitation is for another email address.");
  if (row.protected && who.kind === "password") throw new AppError(ErrorCode.secondFactorRequired, SIGN_IN_TO_ACCEPT);
  if (row.protected && who.kind === "session") await requireRecentPassword(who.session, new Date(), tx);
  return user;
}

/**
 * An existing user, proved by their password alone (the invitation page), or by a live session of
 * theirs (a whole sign-in, with its second factor), named as requireRecentPassword reads it.
 */
type ExistingUser =
  | { kind: "password"; user: ProvedUser }
  | { kind: "session"; user: ProvedUser; session: { id: string; generation: number } };

/**
 * Accepts an invitation, once (conditional update), while its sender may still give its role. A new
 * user is created with the given name and password; an existing user must have proved who they are
 * already, at the version given (see stillProved). Returns the user as they were proved.
 */
export async function acceptInvitation(
  token: string,
  who: { kind: "new"; name: string; password: string } | ExistingUser,
  meta: RequestMeta,
): Promise<ProvedUser> {
  const invitation = await findInvitation(token);
  if (!invitation) throw new AppError(ErrorCode.invalidLink);
  const prisma = await db();
  const passwordHash = who.kind === "new" ? await hashPassword(who.password) : null;
  let user: ProvedUser;
  try {
    user = await prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM "Account" WHERE id = ${invitation.accountId} FOR SHARE`;
      // Read again under the lock, by this link: a resend since (a new link, maybe a new sender) or a
      // change of the sender's role is what counts, not the copy read before the password was hashed.
      const open = { id: invitation.id, tokenHash: sha256(token), acceptedAt: null, expiresAt: { gt: new Date() } };
      const current = await tx.invitation.findFirst({
        where: open,
        select: { invitedById: true, role: true, accountId: true },
      });
      if (!current || !(await senderMayGive(tx, current))) throw new AppError(ErrorCode.invalidLink);
      const { count } = await tx.invitation.updateMany({ where: open, data: { acceptedAt: new Date() } });
      if (count !== 1) throw new AppError(ErrorCode.invalidLink);
      const joining =
        who.kind !== "new"
          ? await stillProved(tx, who, invitation.email)
          : await tx.user.create({
              data: { email: invitation.email, name: who.name, passwordHash: passwordHash! },
              select: { id: true, sessionVersion: true },
            });
      await tx.membership.upsert({
        where: { userId_accountId: { userId: joining.id, accountId: current.accountId } },
        create: { userId: joining.id, accountId: current.accountId, role: current.role },
        update: {},
      });
      return joining;
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
    actorId: user.id,
    accountId: invitation.account.id,
    meta,
    details: { role: invitation.role },
  });
  return user;
}
