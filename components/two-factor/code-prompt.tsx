"use client";
import { useState } from "react";
import { FormMessage } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { FormActions } from "@/components/ui/form-actions";
import type { ActionState } from "@/lib/action";
import type { Proof } from "@/lib/two-factor/proof";
import { CodeField } from "./code-field";

/** Asks for a fresh second factor: a current code, or (when allowed) a recovery code. */
export function CodePrompt({
  submitLabel,
  allowRecovery,
  danger,
  onSubmit,
  onCancel,
}: {
  submitLabel: string;
  allowRecovery: boolean;
  danger?: boolean;
  onSubmit: (proof: Proof) => Promise<ActionState<unknown>>;
  onCancel: () => void;
}) {
  const [method, setMethod] = useState<"totp" | "recovery">("totp");
  const [state, setState] = useState<ActionState<unknown>>({});
  const [pending, setPending] = useState(false);

  async function submit(formData: FormData) {
    setPending(true);
    const result = await onSubmit({ method, code: String(formData.get("code") ?? "") });
    if (!result.ok) setState(result);
    setPending(false);
  }

  return (
    <form action={submit} className="flex flex-col gap-4" noValidate key={method}>
      <CodeField
        label={method === "totp" ? "6-digit code from your authenticator app" : "Recovery code"}
        name="code"
        kind={method}
        errors={state.fieldErrors?.code}
        autoFocus
      />
      <FormMessage error={state.fieldErrors ? undefined : state.error} />
      {allowRecovery && (
        <Button
          type="button"
          variant="link"
          className="self-start"
          onClick={() => setMethod(method === "totp" ? "recovery" : "totp")}
        >
          {method === "totp" ? "Use a recovery code instead" : "Use your authenticator app instead"}
        </Button>
      )}
      <FormActions submitLabel={submitLabel} onCancel={onCancel} pending={pending} danger={danger} />
    </form>
  );
}
