"use client";
import { useActionState, useEffect, useRef } from "react";
import { FormMessage } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { PasswordField } from "@/components/ui/password-field";
import type { FormAction } from "@/lib/action";

export function NameForm({ updateName, name }: { updateName: FormAction; name: string }) {
  const [state, submit, pending] = useActionState(updateName, {});
  return (
    <form action={submit} className="flex flex-col gap-3 sm:max-w-sm" noValidate>
      <Field
        label="Name"
        name="name"
        defaultValue={name}
        autoComplete="name"
        required
        errors={state.fieldErrors?.name}
      />
      <FormMessage error={state.fieldErrors ? undefined : state.error} success={state.ok ? "Name saved." : undefined} />
      <Button type="submit" pending={pending} className="self-start">
        Save name
      </Button>
    </form>
  );
}

export function PasswordForm({ changePassword }: { changePassword: FormAction }) {
  const [state, submit, pending] = useActionState(changePassword, {});
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (state.ok) form.current?.reset();
  }, [state]);
  return (
    <form ref={form} action={submit} className="flex flex-col gap-3 sm:max-w-sm" noValidate>
      <PasswordField label="Current password" name="currentPassword" errors={state.fieldErrors?.currentPassword} />
      <PasswordField purpose="new" name="newPassword" errors={state.fieldErrors?.newPassword} />
      <FormMessage
        error={state.fieldErrors ? undefined : state.error}
        success={state.ok ? "Password changed. Your other sessions were signed out." : undefined}
      />
      <Button type="submit" pending={pending} className="self-start">
        Change password
      </Button>
    </form>
  );
}
