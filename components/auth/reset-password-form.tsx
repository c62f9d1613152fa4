"use client";
import { useActionState } from "react";
import { FormMessage } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { PasswordField } from "@/components/ui/password-field";
import type { FormAction } from "@/lib/action";

export function ResetPasswordForm({ chooseNewPassword, token }: { chooseNewPassword: FormAction; token: string }) {
  const [state, submit, pending] = useActionState(chooseNewPassword, {});
  return (
    <form action={submit} className="mt-6 flex flex-col gap-4" noValidate>
      <input type="hidden" name="token" value={token} />
      <PasswordField
        purpose="new"
        hint="Your other sessions will be signed out."
        errors={state.fieldErrors?.password}
      />
      <FormMessage error={state.fieldErrors?.password ? undefined : state.error} />
      <Button type="submit" pending={pending}>
        Change password
      </Button>
    </form>
  );
}
