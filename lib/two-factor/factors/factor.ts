import type { Prisma } from "@/lib/generated/prisma/client";
import type { RequestMeta } from "@/lib/request-meta";
import type { FactorKind, ProofOf } from "../proof";

export type ProofResult =
  | { ok: true; method: Exclude<FactorKind, "recovery"> }
  | { ok: true; method: "recovery"; remaining: number }
  | { ok: false; reason: "invalid" | "replay" };

/**
 * What a proof is checked against besides the user. `challengeId` names the login challenge when the
 * proof comes from a sign-in, so a factor whose proof must be bound to it (a WebAuthn assertion over
 * options issued for that challenge) can refuse one made for another; code factors ignore it.
 */
export type ProofContext = { challengeId?: string; meta?: RequestMeta };

/**
 * "Has this factor", as a Prisma filter on User and as a SQL condition on a user row aliased `u` (the
 * per-request session check is one raw query). ../second-factor.ts ORs them into "has a second factor".
 */
export type Enrolled = { where: Prisma.UserWhereInput; sql: Prisma.Sql };

/** One second factor: everything the rest of the app may ask of it. One module per kind under factors/. */
export type Factor<K extends FactorKind> = {
  kind: K;
  /** How the user list, the CSV and audit words name it. */
  label: string;
  /**
   * Which users have this factor set up, for a factor whose presence is "2FA on" (an authenticator, a
   * security key). Recovery codes have none: they back up the others and never count alone.
   */
  enrolled: Enrolled | null;
  /**
   * For a factor whose ceremony starts on the server (WebAuthn: request options whose challenge is
   * bound to the login challenge), what the browser needs before it can make a proof.
   */
  options?: (userId: string, context: ProofContext) => Promise<unknown>;
  /** What the user is told when a proof is refused, if not the code wording ("That code is not correct."). */
  refused?: { invalid: string; replay: string };
  /** A message for malformed input, or null; checked before any attempt is counted. */
  malformed: (proof: ProofOf<K>) => string | null;
  /** Checks the proof and spends it (single use under races). Never throws for a wrong proof. */
  verify: (userId: string, proof: ProofOf<K>, context: ProofContext) => Promise<ProofResult>;
  /** What a successful use must also do (emails, audit), after the attempt is released. */
  afterUse?: (userId: string, result: Extract<ProofResult, { ok: true }>, meta?: RequestMeta) => Promise<void>;
  /** Deletes the factor's rows for the user (2FA off, an admin's Reset 2FA), inside the caller's transaction. */
  remove: (tx: Prisma.TransactionClient, userId: string) => Promise<void>;
};
