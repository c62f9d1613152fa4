import type { ReactElement } from "react";
import type { Proof } from "@/lib/two-factor/proof";

/** Fetches the server-issued options of a ceremony (a server action bound to the sign-in or session). */
export type FactorOptions = () => Promise<unknown>;

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
  /** The submit button's label where it is not "Verify" (a key is asked for only once it is pressed). */
  submitLabel?: string;
  /**
   * The proof the form holding `Input` makes. A factor whose ceremony starts on the server (a security
   * key) first asks for its options; it throws an Error whose message the user can read.
   */
  readProof: (form: FormData, options: FactorOptions) => Promise<Proof>;
  /** Whether it needs `options` (a key): such a kind is offered only to users who have one. */
  ceremony?: boolean;
};
