"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { FormMessage } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { PasswordField } from "@/components/ui/password-field";
import type { ActionState, ServerAction } from "@/lib/action";
import { usePasswordAgain, type ConfirmPassword } from "./password-again";
import { CONTINUE_SIGN_IN_PATH } from "./sign-in/sign-in-actions";

/**
 * /invite/[token]: a new user chooses a name and password; an existing user proves their password, and
 * one with a second factor signs in with it and comes back here, where they accept signed in.
 */
export function InviteFlow(props: {
  /** Joins as a new user (name and password) or as the existing one (password), as the page decided. */
  accept: ServerAction<FormData>;
  /** Set when this browser is signed in as the invited user: they accept with one button. */
  acceptSignedIn: ServerAction<{ token: string }> | null;
  /** With a second factor, a session that signed in a while ago accepts after the password again. */
  confirmPassword?: ConfirmPassword;
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
    if (!result.ok) return;
    // The sign-in continues on /login from the server-side challenge (2FA, or enrolment if enforced);
    // with a second factor it comes back here to accept.
    const signInFirst = (result.data as { signInFirst?: boolean } | undefined)?.signInFirst;
    const back = `&callbackUrl=${encodeURIComponent(`/invite/${props.token}`)}`;
    router.push(signInFirst ? `${CONTINUE_SIGN_IN_PATH}${back}` : CONTINUE_SIGN_IN_PATH);
  }

  const { guard, prompt } = usePasswordAgain(props.confirmPassword, `join ${props.accountName}`);
  async function onAccept() {
    const answer = await guard(
      () => {
        setPending(true); // the first press, and the run again after the password
        return props.acceptSignedIn!({ token: props.token });
      },
      (result) => {
        setState(result);
        setPending(result.ok === true);
        if (result.ok) router.push("/profile");
      },
    );
    if (answer === null) setPending(false); // the password is asked for; accepting runs again after it
  }

  if (props.acceptSignedIn)
    return (
      <>
        <h1 className="text-2xl font-semibold">Join {props.accountName}</h1>
        <p className="mt-2 text-sm text-slate-600">
          You were invited as {props.role} with <strong>{props.email}</strong>, and you are signed in with it.
        </p>
        <form action={onAccept} className="mt-6 flex flex-col gap-4" noValidate>
          <FormMessage error={state.error} />
          <Button type="submit" pending={pending}>
            Accept invitation
          </Button>
        </form>
        {prompt}
      </>
    );

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
