import "server-only";
import { createHash } from "node:crypto";
import { generateRegistrationOptions, verifyRegistrationResponse } from "@simplewebauthn/server";
import { audit, AuditType } from "@/lib/audit";
import { db } from "@/lib/db";
import { isUniqueViolation } from "@/lib/db/errors";
import { AppError, ErrorCode } from "@/lib/errors";
import { messages } from "@/lib/mail/messages";
import { sendMail } from "@/lib/mail/send";
import type { RequestMeta } from "@/lib/request-meta";
import type { Setup } from "../setup";
import { hasSecondFactor } from "../second-factor";
import { replaceRecoveryCodes } from "../store";
import { clientDataChallenge, unreadable } from "./client-data";
import { consumeCeremony, openCeremony, registrationSetup } from "./ceremony";
import { knownTransports, parseKeyName, webAuthnCredentialSelect } from "./credentials";
import { relyingParty } from "./relying-party";
import { registrationResponseSchema } from "./schema";

/** WebAuthn §5.8.3: a credential ID is at most 1,023 bytes. */
const MAX_CREDENTIAL_ID_BYTES = 1023;

export const REGISTRATION_TTL_MS = 5 * 60_000;

/** A stable, opaque WebAuthn user handle: the same for every key of a user, and no personal data. */
const userHandle = (userId: string) => new Uint8Array(createHash("sha256").update(`twofold:${userId}`).digest());

/**
 * Options for adding a key (server-side challenge bound to this user, 5 minutes). The user's existing
 * keys are excluded, so an authenticator that already holds one is not registered twice.
 * `setup`: what it is opened under (../setup.ts): the session version the caller checked, so a
 * change that ends sessions meanwhile (a password change, another factor) makes it unfinishable.
 */
export async function webAuthnRegistrationOptions(userId: string, setup: Setup) {
  const prisma = await db();
  const user = await prisma.user.findUniqueOrThrow({
    where: { id: userId },
    select: {
      email: true,
      name: true,
      webAuthnCredentials: { select: { credentialId: true, transports: true } },
    },
  });
  const rp = relyingParty();
  const options = await generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: user.email,
    userDisplayName: user.name,
    userID: userHandle(userId),
    attestationType: "none",
    excludeCredentials: user.webAuthnCredentials.map((c) => ({
      id: c.credentialId,
      transports: knownTransports(c.transports),
    })),
    authenticatorSelection: { residentKey: "preferred", userVerification: "preferred" },
    timeout: REGISTRATION_TTL_MS,
  });
  const expiresAt = new Date(Date.now() + REGISTRATION_TTL_MS);
  await openCeremony(userId, { purpose: "register" }, options.challenge, expiresAt, setup);
  return options;
}

/**
 * Adds a key from the authenticator's answer to this user's pending options (used once). The first
 * second factor of a user turns 2FA on as the authenticator app does: recovery codes are issued (and
 * returned, shown once), other sessions and open sign-ins end. A later key changes neither.
 *
 * `expectedVersion`: the session version the caller was authorised under (forced enrolment at
 * sign-in); a password change that landed meanwhile wins and nothing is added.
 */
export async function verifyWebAuthnRegistration(
  userId: string,
  input: { response: unknown; name: unknown },
  meta: RequestMeta,
  expectedVersion: number,
) {
  const name = parseKeyName(input.name);
  const parsed = registrationResponseSchema.safeParse(input.response);
  const challenge = parsed.success ? clientDataChallenge(parsed.data.response.clientDataJSON) : null;
  if (!parsed.success || !challenge) throw unreadable();
  const setup = await registrationSetup(userId, challenge);
  if (!(await consumeCeremony(userId, { purpose: "register" }, challenge)))
    throw new AppError(ErrorCode.enrolmentExpired);
  const rp = relyingParty();
  const verification = await verifyRegistrationResponse({
    response: parsed.data,
    expectedChallenge: challenge,
    expectedOrigin: rp.origin,
    expectedRPID: rp.id,
    // userVerification "preferred": a key without a PIN or biometric still counts as a second factor.
    requireUserVerification: false,
  }).catch(() => null);
  const credential = verification?.verified ? verification.registrationInfo.credential : null;
  // SimpleWebAuthn checks id === rawId but not that they name the credential the authenticator
  // attested, nor its length: WebAuthn allows 1,023 bytes, and a longer one overflowed the unique index
  // (a database error) or was stored as a key whose answers the proof schema then refuses.
  if (
    !verification?.verified ||
    credential?.id !== parsed.data.id ||
    Buffer.from(credential.id, "base64url").length > MAX_CREDENTIAL_ID_BYTES
  ) {
    throw new AppError(ErrorCode.invalidCode, "That security key's answer could not be verified. Please try again.");
  }
  const { credentialDeviceType, credentialBackedUp } = verification.registrationInfo;
  const prisma = await db();
  const result = await prisma
    .$transaction(async (tx) => {
      // One registration at a time per user, so two first keys added at once issue one set of codes.
      await tx.$queryRaw`SELECT id FROM "User" WHERE id = ${userId} FOR UPDATE`;
      const user = await tx.user.findUniqueOrThrow({
        where: { id: userId },
        select: { email: true, sessionVersion: true },
      });
      if (user.sessionVersion !== expectedVersion) {
        throw new AppError(ErrorCode.notSignedIn);
      }
      // A first factor, a factor removed or a password changed since it was opened (../setup.ts).
      if (setup?.version !== user.sessionVersion) throw new AppError(ErrorCode.enrolmentExpired);
      const first = !(await hasSecondFactor(userId, tx));
      const key = await tx.webAuthnCredential.create({
        data: {
          userId,
          credentialId: credential.id,
          publicKey: credential.publicKey,
          counter: credential.counter,
          transports: knownTransports(credential.transports),
          name,
          deviceType: credentialDeviceType,
          backedUp: credentialBackedUp,
        },
        select: webAuthnCredentialSelect,
      });
      const recoveryCodes = first ? await replaceRecoveryCodes(tx, userId) : null;
      const { sessionVersion } = first
        ? await tx.user.update({ where: { id: userId }, data: { sessionVersion: { increment: 1 } } })
        : user;
      await sendMail(messages.webAuthnAdded(user.email, name, first, meta.origin), tx);
      return { key, recoveryCodes, sessionVersion };
    })
    .catch((error) => {
      if (isUniqueViolation(error))
        throw new AppError(ErrorCode.alreadyEnabled, "This security key is already registered.");
      throw error;
    });
  const confirmedWith = setup?.confirmedWith;
  const details: Record<string, string> = confirmedWith ? { name, method: confirmedWith } : { name };
  await audit({ type: AuditType.webAuthnAdded, actorId: userId, meta, details });
  if (result.recoveryCodes) {
    await audit({ type: AuditType.twoFactorEnabled, actorId: userId, meta, details: { method: "webauthn" } });
    await audit({
      type: AuditType.recoveryCodesGenerated,
      actorId: userId,
      meta,
      details: { count: result.recoveryCodes.length },
    });
  }
  return result;
}
