import "server-only";
import type { FactorKind } from "../proof";
import type { Factor } from "./factor";
import { recoveryCodeFactor } from "./recovery-code";
import { totpFactor } from "./totp";
import { webAuthnFactor } from "../webauthn/factor";

export type { Factor, ProofContext, ProofResult } from "./factor";

/**
 * Every second factor, one line each. The type makes it complete: a kind added to the proof schema
 * (../proof.ts) without its module here does not compile.
 */
export const factors: { [K in FactorKind]: Factor<K> } = {
  totp: totpFactor,
  recovery: recoveryCodeFactor,
  webauthn: webAuthnFactor,
};

export function factorFor<K extends FactorKind>(kind: K): Factor<K> {
  return factors[kind];
}

export const factorLabel = (kind: FactorKind) => factors[kind].label;

/** The factors whose presence is "2FA on", with how to find the users who have them. */
export const countingFactors = Object.values(factors).flatMap((factor) =>
  factor.enrolled ? [{ kind: factor.kind as FactorKind, label: factor.label, enrolled: factor.enrolled }] : [],
);
