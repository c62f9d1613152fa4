"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { FormMessage } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { PasswordField } from "@/components/ui/password-field";
import type { ActionState, ServerAction } from "@/lib/action";
import { CONTINUE_SIGN_IN_PATH } from "./sign-in/sign-in-actions";

/** /signup/verify/[token]: the password chosen at sign-up proves it is the same person, then sign-in continues. */
export function ConfirmSignupForm({
  confirm,
  token,
  email,
}: {
  confirm: ServerAction<FormData>;
  token: string;
  email: string;
}) {
  const router = useRouter();
  const [state, setState] = useState<ActionState<unknown>>({});
  const [pending, setPending] = useState(false);

  async function onSubmit(formData: FormData) {
    setPending(true);
    const result = await confirm(formData);
    setState(result);
    setPending(result.ok === true);
    // The sign-in continues on /login from the server-side challenge (2FA, or enrolment if enforced).
    if (result.ok) router.push(CONTINUE_SIGN_IN_PATH);
  }

  return (
    <>
      <p className="mt-2 text-sm text-slate-600">
        Enter the password you chose for <strong className="break-words">{email}</strong> to create your account and
        sign in.
      </p>
      <form action={onSubmit} className="mt-6 flex flex-col gap-4" noValidate>
        <input type="hidden" name="token" value={token} />
        {/* Lets a password manager offer the login it saved at sign-up; read-only, and the server ignores it. */}
        <input type="email" autoComplete="username" value={email} readOnly hidden />
        <PasswordField errors={state.fieldErrors?.password} />
        <FormMessage error={state.fieldErrors ? undefined : state.error} />
        <Button type="submit" pending={pending}>
          {pending ? "Creating account…" : "Create account"}
        </Button>
      </form>
    </>
  );
}
