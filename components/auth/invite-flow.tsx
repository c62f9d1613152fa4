"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { FormMessage } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { PasswordField } from "@/components/ui/password-field";
import type { ActionState, ServerAction } from "@/lib/action";
import { CONTINUE_SIGN_IN_PATH } from "./sign-in/sign-in-actions";

/** /invite/[token]: a new user chooses a name and password; an existing user proves their password. */
export function InviteFlow(props: {
  /** Joins as a new user (name and password) or as the existing one (password), as the page decided. */
  accept: ServerAction<FormData>;
  token: string;
  accountName: string;
  email: string;
  role: string;
  existingUser: boolean;
}) {
  const router = useRouter();
  const [state, setState] = useState<ActionState<unknown>>({});
  const [pending, setPending] = useState(false);

  async function onSubmit(formData: FormData) {
    setPending(true);
    formData.set("token", props.token);
    const result = await props.accept(formData);
    setState(result);
    setPending(result.ok === true);
    // The sign-in continues on /login from the server-side challenge (2FA, or enrolment if enforced).
    if (result.ok) router.push(CONTINUE_SIGN_IN_PATH);
  }

  return (
    <>
      <h1 className="text-2xl font-semibold">Join {props.accountName}</h1>
      <p className="mt-2 text-sm text-slate-600">
        You were invited as {props.role} with <strong>{props.email}</strong>.{" "}
        {props.existingUser ? "Enter your password to accept." : "Choose your name and a password to accept."}
      </p>
      <form action={onSubmit} className="mt-6 flex flex-col gap-4" noValidate>
        {!props.existingUser && (
          <Field label="Name" name="name" autoComplete="name" required errors={state.fieldErrors?.name} />
        )}
        <PasswordField
          purpose={props.existingUser ? "current" : "new"}
          label="Password"
          errors={state.fieldErrors?.password}
        />
        <FormMessage error={state.fieldErrors ? undefined : state.error} />
        <Button type="submit" pending={pending}>
          Accept invitation
        </Button>
      </form>
    </>
  );
}
