import type { ReactElement } from "react";
import type { Proof } from "@/lib/two-factor/proof";

export type FactorInputProps = { label: string; errors?: string[]; autoFocus?: boolean; disabled?: boolean };

/** One factor as the browser offers it: how it is asked for, its input, and the proof its form makes. */
export type FactorUi = {
  /** What the sign-in step says under its heading. */
  prompt: string;
  /** The input's label at sign-in, and in a prompt that confirms a change. */
  signInLabel: string;
  confirmLabel: string;
  /** The link that switches to this factor from another. */
  switchLabel: string;
  Input: (props: FactorInputProps) => ReactElement;
  /** The proof the form holding `Input` makes. */
  readProof: (form: FormData) => Proof;
};
