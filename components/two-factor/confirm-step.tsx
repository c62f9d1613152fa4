"use client";
import type { ActionState } from "@/lib/action";
import type { FactorKind, Proof } from "@/lib/two-factor/proof";
import { CodePrompt } from "./code-prompt";
import type { FactorOptions } from "./factors";

/** What a user who already has a factor may confirm an addition with: their own factors (from the page). */
export type AdditionConfirm = { kinds: FactorKind[]; options: FactorOptions };

/**
 * "Confirm it's you": a second factor the user already has, before another is added (the server asks
 * for it in the same request that opens the new one, lib/two-factor/add-factor.ts).
 */
export function ConfirmStep({
  confirm,
  onSubmit,
  onCancel,
}: {
  confirm: AdditionConfirm;
  onSubmit: (proof: Proof) => Promise<ActionState<unknown>>;
  onCancel: () => void;
}) {
  return (
    <section aria-labelledby="confirm-its-you" className="flex flex-col gap-4">
      <h3 id="confirm-its-you" className="font-medium">
        {"Confirm it's you"}
      </h3>
      <p className="text-sm text-slate-700">
        You already have two-factor authentication. Confirm with one of your second factors before adding another.
      </p>
      <CodePrompt
        submitLabel="Confirm"
        kinds={confirm.kinds}
        options={confirm.options}
        onSubmit={onSubmit}
        onCancel={onCancel}
      />
    </section>
  );
}
