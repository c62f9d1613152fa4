import "server-only";
import { generateAuthenticationOptions, verifyAuthenticationResponse } from "@simplewebauthn/server";
import { audit, AuditType } from "@/lib/audit";
import { CHALLENGE_MAX_ATTEMPTS } from "@/lib/auth/sign-in/challenge-limits";
import { db } from "@/lib/db";
import { AppError, ErrorCode } from "@/lib/errors";
import type { RequestMeta } from "@/lib/request-meta";
import { clientDataChallenge } from "./client-data";
import { consumeCeremony, openCeremony, type CeremonyScope } from "./ceremony";
import { knownTransports } from "./credentials";
import { relyingParty } from "./relying-party";
import { authenticationResponseSchema, type WebAuthnProof } from "./schema";

export const CONFIRM_TTL_MS = 5 * 60_000;
export type WebAuthnResult = { ok: true; method: "webauthn" } | { ok: false; reason: "invalid" | "replay" };
/** As the factor registry's ProofContext: `challengeId` binds the proof to a sign-in, else it confirms a change. */
export type AssertionContext = { challengeId?: string; meta?: RequestMeta };

const scopeOf = (context: { challengeId?: string; sessionId?: string }): CeremonyScope =>
  context.challengeId
    ? { purpose: "sign-in", loginChallengeId: context.challengeId }
    : { purpose: "confirm", sessionId: context.sessionId };

/**
 * Options for signing with one of the user's keys. For a sign-in the challenge is bound to that open
 * login challenge and expires with it; otherwise (confirming a change) to the user and the session
 * asking, for 5 minutes.
 */
export async function webAuthnAuthenticationOptions(
  userId: string,
  context: { challengeId?: string; sessionId?: string } = {},
) {
  const prisma = await db();
  const keys = await prisma.webAuthnCredential.findMany({
    where: { userId },
    select: { credentialId: true, transports: true },
  });
  if (!keys.length) throw new AppError(ErrorCode.notEnabled, "There is no security key on this account.");
  let expiresAt = new Date(Date.now() + CONFIRM_TTL_MS);
  if (context.challengeId) {
    // The same "open" as lib/auth/sign-in/challenge's findChallenge, for callers that start from an id.
    const login = await prisma.loginChallenge.findFirst({
      where: {
        id: context.challengeId,
        userId,
        usedAt: null,
        satisfiedAt: null,
        attempts: { lt: CHALLENGE_MAX_ATTEMPTS },
        expiresAt: { gt: new Date() },
      },
      select: { expiresAt: true, userVersion: true, user: { select: { sessionVersion: true } } },
    });
    if (!login || login.userVersion !== login.user.sessionVersion) throw new AppError(ErrorCode.challengeExpired);
    expiresAt = login.expiresAt;
  }
  const rp = relyingParty();
  const options = await generateAuthenticationOptions({
    rpID: rp.id,
    allowCredentials: keys.map((k) => ({ id: k.credentialId, transports: knownTransports(k.transports) })),
    userVerification: "preferred",
    timeout: Math.max(1000, expiresAt.getTime() - Date.now()),
  });
  await openCeremony(userId, scopeOf(context), options.challenge, expiresAt);
  return options;
}

/** A message for an answer that is not even shaped like one, or null; checked before any attempt is counted. */
export function malformedWebAuthnProof(proof: { response: unknown }): string | null {
  const parsed = authenticationResponseSchema.safeParse(proof.response);
  return parsed.success && clientDataChallenge(parsed.data.response.clientDataJSON)
    ? null
    : "Your security key's answer could not be read. Please try again.";
}

/**
 * Checks an assertion and spends its ceremony (single use under races). Never throws for a wrong
 * answer. Refused: no open ceremony of this scope carries its challenge (used, expired, another
 * sign-in's or user's), a key that is not this user's, a bad signature, origin or RP ID, or a
 * signature counter that did not increase (a copied key; audited).
 */
export async function verifyWebAuthnAssertion(
  userId: string,
  proof: Pick<WebAuthnProof, "response">,
  context: AssertionContext = {},
): Promise<WebAuthnResult> {
  const { response } = proof;
  const challenge = clientDataChallenge(response.response.clientDataJSON);
  if (!challenge) return { ok: false, reason: "invalid" };
  const scope = scopeOf({ challengeId: context.challengeId, sessionId: context.meta?.sessionId });
  if (!(await consumeCeremony(userId, scope, challenge))) return { ok: false, reason: "replay" };
  const prisma = await db();
  const key = await prisma.webAuthnCredential.findUnique({ where: { credentialId: response.id } });
  if (!key || key.userId !== userId) return { ok: false, reason: "invalid" };
  const rp = relyingParty();
  const stored = Number(key.counter);
  const verification = await verifyAuthenticationResponse({
    response,
    expectedChallenge: challenge,
    expectedOrigin: rp.origin,
    expectedRPID: rp.id,
    // Counter 0 here: the library compares counters before it checks the signature; we compare after
    // (below), so only a genuine signature from the key is reported as a possible copy.
    credential: { id: key.credentialId, publicKey: new Uint8Array(key.publicKey), counter: 0 },
    // userVerification "preferred": presence is always required, a PIN or biometric is not.
    requireUserVerification: false,
  }).catch(() => null);
  if (!verification?.verified) return { ok: false, reason: "invalid" };
  const { newCounter, credentialBackedUp } = verification.authenticationInfo;
  // SimpleWebAuthn's rule: a counter in use (either side non-zero) must increase. Compare-and-set, so
  // two answers carrying one counter value cannot both pass.
  const counts = newCounter > 0 || stored > 0;
  const { count } =
    counts && newCounter <= stored
      ? { count: 0 }
      : await prisma.webAuthnCredential.updateMany({
          where: { id: key.id, userId, counter: counts ? { lt: newCounter } : 0 },
          data: { counter: newCounter, lastUsedAt: new Date(), backedUp: credentialBackedUp },
        });
  const purpose = context.challengeId ? "sign-in" : "confirm";
  if (count !== 1) {
    await audit({
      type: AuditType.webAuthnCounterRegression,
      subjectId: userId,
      meta: context.meta,
      details: { name: key.name, counter: newCounter, stored },
    });
    return { ok: false, reason: "invalid" };
  }
  await audit({
    type: AuditType.webAuthnUsed,
    subjectId: userId,
    meta: context.meta,
    details: { name: key.name, purpose },
  });
  return { ok: true, method: "webauthn" };
}
