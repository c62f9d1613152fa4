"use client";
import { FormMessage } from "@/components/ui/alert";
import { Field } from "@/components/ui/field";
import { FormActions } from "@/components/ui/form-actions";
import type { ActionState } from "@/lib/action";

/** A key's name, as adding and renaming ask it (the same limit as the server's schema). */
export function KeyNameForm({
  action,
  defaultValue,
  state,
  submitLabel,
  pending,
  onCancel,
}: {
  action: (form: FormData) => Promise<void>;
  defaultValue: string;
  state: ActionState<unknown>;
  submitLabel: string;
  pending: boolean;
  onCancel: () => void;
}) {
  return (
    <form action={action} className="flex flex-col gap-4" noValidate>
      <Field
        label="Name"
        name="name"
        defaultValue={defaultValue}
        maxLength={60}
        required
        autoFocus
        errors={state.fieldErrors?.name}
      />
      <FormMessage error={state.fieldErrors?.name ? undefined : state.error} />
      <FormActions submitLabel={submitLabel} onCancel={onCancel} pending={pending} />
    </form>
  );
}
