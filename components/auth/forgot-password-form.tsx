"use client";
import { useActionState } from "react";
import { FormMessage } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import type { FormAction } from "@/lib/action";

export function ForgotPasswordForm({ askForReset }: { askForReset: FormAction }) {
  const [state, submit, pending] = useActionState(askForReset, {});
  return (
    <form action={submit} className="mt-6 flex flex-col gap-4" noValidate>
      <Field label="Email" name="email" type="email" autoComplete="email" required errors={state.fieldErrors?.email} />
      <FormMessage
        error={state.fieldErrors ? undefined : state.error}
        success={
          state.ok
            ? "If that email has an account, a reset link is on its way. It works once and expires in 30 minutes."
            : undefined
        }
      />
      <Button type="submit" pending={pending}>
        Send reset link
      </Button>
    </form>
  );
}
