import "server-only";
import { audit, AuditType } from "@/lib/audit";
import { AppError, ErrorCode } from "@/lib/errors";
import type { RequestMeta } from "@/lib/request-meta";
import { assertWellFormed, lockedError, refuseProof, verifySecondFactor } from "@/lib/two-factor/attempts";
import { factorFor, type ProofResult } from "@/lib/two-factor/factors";
import { normalizeRecoveryCode } from "@/lib/two-factor/recovery-codes";
import { openTotpSecret } from "@/lib/two-factor/secret-store";
import { matchTotpStep } from "@/lib/two-factor/totp";
import type { FactorKind, Proof } from "@/lib/two-factor/proof";
import { CHALLENGE_MAX_ATTEMPTS, findChallenge, reserveChallengeAttempt, satisfyChallenge } from "./challenge";
import { sessionClaims } from "../session-token";
import { grantSession } from "./grant";
import type { OpenedSession } from "../session-record";
import { acceptRecoveryStep, acceptTotpStep, type StepContext } from "./step-accept";
import { claimSecondStepAttempt, type StepClaim } from "./step-claim";

/**
 * Step 2: the second factor, against the challenge named by the httpOnly cookie. The user comes from
 * the challenge, never from the request. 5 attempts per challenge, 10 per user per 15 minutes.
 * A code takes two statements when accepted: the claim of both attempts (./step-claim), then the code
 * spent with everything that follows from it (./step-accept). A security key keeps the general path.
 */
export async function verifyChallengeSecondFactor(token: string | undefined, proof: Proof, meta: RequestMeta) {
  const { user, result } = await secondStep(token, proof, meta, false);
  return { user, result };
}

/**
 * The second step as /login takes it: a right factor also ends the sign-in, with the session's claims
 * for this answer's cookie. A code does it in the statement that accepts it (./step-accept); a security
 * key by the grant right after. `claims` is null when no session could be opened (the challenge was
 * deleted by "Sign out other sessions" meanwhile, say): the factor was right, the sign-in starts again.
 */
export async function signInWithSecondFactor(token: string | undefined, proof: Proof, meta: RequestMeta) {
  return secondStep(token, proof, meta, true);
}

async function secondStep(token: string | undefined, proof: Proof, meta: RequestMeta, signIn: boolean) {
  if (proof.method === "webauthn") return verifyChallengeKey(token, proof, meta, signIn);
  if (factorFor<FactorKind>(proof.method).malformed(proof)) {
    // Malformed input spends no attempt; a dead challenge still says so first.
    await openVerifyChallenge(token);
    assertWellFormed(proof);
  }
  const claim = await claimSecondStepAttempt(token);
  if (!claim) throw new AppError(ErrorCode.challengeExpired);
  const context: StepContext = signIn ? { meta, signIn } : { meta };
  return answered(claim.attempts, claim.user.id, meta, async () => {
    if (!claim.attempt.allowed) throw lockedError(claim.attempt.resetAt);
    const { result, session } = await checkCode(claim, proof, context);
    if (!result.ok) return refuseProof(claim.user.id, proof.method, result.reason, [claim.attempt], meta);
    const claims = session && sessionClaims(claim.user, session, claim.user.sessionVersion);
    return { user: claim.user, result, claims };
  });
}

type CodeProof = Exclude<Proof, { method: "webauthn" }>;
type Checked = { result: ProofResult; session: OpenedSession | null };

/** A code against the claim, spent by the accept statement if right (with the session it opened). */
async function checkCode(claim: StepClaim, proof: CodeProof, context: StepContext): Promise<Checked> {
  const refused = (reason: "invalid" | "replay"): Checked => ({ result: { ok: false, reason }, session: null });
  if (proof.method === "recovery") {
    const normalized = normalizeRecoveryCode(proof.code);
    const accepted = normalized && (await acceptRecoveryStep(claim, normalized, context));
    if (!accepted) return refused("invalid");
    return { result: { ok: true, method: "recovery", remaining: accepted.remaining }, session: accepted.session };
  }
  const secret = claim.totpSecret && openTotpSecret(claim.user.id, claim.totpSecret);
  const step = secret ? await matchTotpStep(secret, proof.code) : null;
  if (step === null) return refused("invalid");
  // Not newer than the last accepted step: a replay, which the compare-and-set would refuse as well.
  if (claim.totpLastStep !== null && step <= claim.totpLastStep) return refused("replay");
  const accepted = await acceptTotpStep(claim, step, context);
  if (!accepted) return refused("replay");
  return { result: { ok: true, method: "totp" }, session: accepted.session };
}

/** A security key: the ceremony is bound to the challenge, so its id is needed before the check. */
async function verifyChallengeKey(token: string | undefined, proof: Proof, meta: RequestMeta, signIn: boolean) {
  const challenge = await openVerifyChallenge(token);
  assertWellFormed(proof);
  const reserved = await reserveChallengeAttempt(challenge.id);
  if (!reserved.ok) throw new AppError(ErrorCode.challengeExpired);
  const result = await answered(reserved.attempts, challenge.userId, meta, async () => {
    const result = await verifySecondFactor(challenge.userId, proof, meta, { challengeId: challenge.id });
    await satisfyChallenge(challenge.id);
    return result;
  });
  const claims = signIn ? ((await grantSession(token, meta))?.claims ?? null) : null;
  return { user: challenge.user, result, claims };
}

/** The answer to a refused attempt: the one that spends the challenge's last ends the sign-in. */
async function answered<T>(attempts: number, userId: string, meta: RequestMeta, work: () => Promise<T>) {
  try {
    return await work();
  } catch (error) {
    if (
      attempts === CHALLENGE_MAX_ATTEMPTS &&
      error instanceof AppError &&
      error.code !== ErrorCode.secondFactorLocked
    ) {
      await audit({ type: AuditType.challengeExhausted, subjectId: userId, meta });
      throw new AppError(
        ErrorCode.challengeExpired,
        "Too many wrong attempts for this sign-in. Please sign in again with your password.",
      );
    }
    if (error instanceof AppError && error.code === ErrorCode.invalidCode) {
      const left = CHALLENGE_MAX_ATTEMPTS - attempts;
      throw new AppError(ErrorCode.invalidCode, `${error.message} ${left} attempt${left === 1 ? "" : "s"} left.`);
    }
    throw error;
  }
}

/**
 * For a factor whose ceremony starts on the server (a security key): what the browser needs to make a
 * proof for this sign-in, bound to the challenge the cookie names (single use, expiring with it).
 */
export async function challengeFactorOptions(token: string | undefined, kind: FactorKind): Promise<unknown> {
  const challenge = await openVerifyChallenge(token);
  const options = factorFor<FactorKind>(kind).options;
  if (!options) throw new AppError(ErrorCode.invalidInput);
  return options(challenge.userId, { challengeId: challenge.id });
}

async function openVerifyChallenge(token: string | undefined) {
  const challenge = await findChallenge(token);
  if (!challenge || challenge.requirement !== "verify" || challenge.satisfiedAt) {
    throw new AppError(ErrorCode.challengeExpired);
  }
  return challenge;
}
