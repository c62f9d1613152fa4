import type { FactorKind } from "@/lib/two-factor/proof";
import { recoveryCodeUi } from "./recovery-code";
import { totpUi } from "./totp";
import { webAuthnUi } from "./webauthn";
import type { FactorUi } from "./types";

export type { FactorOptions, FactorUi } from "./types";

/** Every factor's UI, one line each; `satisfies` fails the build while a kind has none. */
export const factorUi = {
  totp: totpUi,
  recovery: recoveryCodeUi,
  webauthn: webAuthnUi,
} satisfies Record<FactorKind, FactorUi>;

/** Every kind, in the order the browser offers them. */
export const factorKinds = Object.keys(factorUi) as FactorKind[];
/** The kinds every user with 2FA can answer without a server-side ceremony (codes). */
export const codeKinds = factorKinds.filter((kind) => !(factorUi[kind] as FactorUi).ceremony);
