import type { FactorKind } from "@/lib/two-factor/proof";
import { recoveryCodeUi } from "./recovery-code";
import { totpUi } from "./totp";
import type { FactorUi } from "./types";

export type { FactorUi } from "./types";

/** Every factor's UI, one line each; `satisfies` fails the build while a kind has none. */
export const factorUi = {
  totp: totpUi,
  recovery: recoveryCodeUi,
} satisfies Record<FactorKind, FactorUi>;

/** Every kind, in the order the browser offers them. */
export const factorKinds = Object.keys(factorUi) as FactorKind[];
