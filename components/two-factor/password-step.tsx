"use client";
import { useState } from "react";
import type { ActionState } from "@/lib/action";
import { FormMessage } from "@/components/ui/alert";
import { PasswordField } from "@/components/ui/password-field";
import { FormActions } from "@/components/ui/form-actions";

/** The password again, before a second factor is added to a session that signed in a while ago. */
export function PasswordStep({
  confirm,
  onConfirmed,
  onCancel,
  purpose = "add a second factor to your account",
}: {
  confirm: (input: { password: string }) => Promise<ActionState<unknown>>;
  /** What the password is asked for, after "Enter your password to". */
  purpose?: string;
  onConfirmed: () => void;
  onCancel: () => void;
}) {
  const [state, setState] = useState<ActionState<unknown>>({});
  const [pending, setPending] = useState(false);
  async function submit(form: FormData) {
    setPending(true);
    const result = await confirm({ password: String(form.get("password") ?? "") });
    setPending(false);
    if (result.ok) onConfirmed();
    else setState(result);
  }
  return (
    <form action={submit} className="flex flex-col gap-4" noValidate>
      <p className="text-sm text-slate-700">You signed in a while ago. Enter your password to {purpose}.</p>
      <PasswordField autoFocus errors={state.fieldErrors?.password} />
      <FormMessage error={state.fieldErrors ? undefined : state.error} />
      <FormActions submitLabel="Continue" onCancel={onCancel} pending={pending} />
    </form>
  );
}
