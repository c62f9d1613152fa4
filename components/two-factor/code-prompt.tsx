"use client";
import { useState } from "react";
import { FormMessage } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { FormActions } from "@/components/ui/form-actions";
import type { ActionState } from "@/lib/action";
import type { FactorKind, Proof } from "@/lib/two-factor/proof";
import { factorUi, type FactorOptions } from "./factors";

/** Asks for a fresh second factor: the first of `kinds`, with the others offered instead. */
export function CodePrompt({
  submitLabel,
  kinds,
  danger,
  onSubmit,
  onCancel,
  options = async () => {
    throw new Error("A security key cannot be used here.");
  },
}: {
  submitLabel: string;
  kinds: FactorKind[];
  danger?: boolean;
  onSubmit: (proof: Proof) => Promise<ActionState<unknown>>;
  onCancel: () => void;
  /** A security key's options for this confirmation (a server action bound to the session). */
  options?: FactorOptions;
}) {
  const [method, setMethod] = useState<FactorKind>(kinds[0]!);
  const [state, setState] = useState<ActionState<unknown>>({});
  const [pending, setPending] = useState(false);
  const ui = factorUi[method];

  async function submit(formData: FormData) {
    setPending(true);
    setState({});
    const proof = await ui.readProof(formData, options).catch((e: Error) => e);
    const result = proof instanceof Error ? { ok: false, error: proof.message } : await onSubmit(proof);
    if (!result.ok) setState(result);
    setPending(false);
  }

  return (
    <form action={submit} className="flex flex-col gap-4" noValidate key={method}>
      <ui.Input label={ui.confirmLabel} errors={state.fieldErrors?.code} autoFocus />
      <FormMessage error={state.fieldErrors ? undefined : state.error} />
      {kinds
        .filter((kind) => kind !== method)
        .map((kind) => (
          <Button key={kind} type="button" variant="link" className="self-start" onClick={() => setMethod(kind)}>
            {factorUi[kind].switchLabel}
          </Button>
        ))}
      <FormActions submitLabel={submitLabel} onCancel={onCancel} pending={pending} danger={danger} />
    </form>
  );
}
