"use client";
import Link from "next/link";
import { useState } from "react";
import { FormMessage } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { PasswordField } from "@/components/ui/password-field";
import type { ActionState, ServerAction } from "@/lib/action";
import { CheckYourEmail } from "./check-your-email";

/** /signup: the form, then "Check your email", whether or not the address already had an account. */
export function SignupFlow({ signUp }: { signUp: ServerAction<FormData> }) {
  const [state, setState] = useState<ActionState<unknown>>({});
  const [pending, setPending] = useState(false);
  const [sentTo, setSentTo] = useState<string | null>(null);

  async function onSubmit(formData: FormData) {
    setPending(true);
    const result = await signUp(formData);
    setState(result);
    setPending(false);
    if (result.ok) setSentTo(String(formData.get("email") ?? "").trim());
  }

  if (sentTo) {
    return (
      <CheckYourEmail
        email={sentTo}
        onRestart={() => {
          setSentTo(null);
          setState({});
        }}
      />
    );
  }

  return (
    <>
      <h1 className="text-2xl font-semibold">Create an account</h1>
      <p className="mt-2 text-sm text-slate-600">You get your own Twofold account and can invite your team later.</p>
      <form action={onSubmit} className="mt-6 flex flex-col gap-4" noValidate>
        <Field label="Name" name="name" autoComplete="name" required errors={state.fieldErrors?.name} />
        <Field
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          required
          errors={state.fieldErrors?.email}
        />
        <PasswordField purpose="new" label="Password" errors={state.fieldErrors?.password} />
        <FormMessage error={state.fieldErrors ? undefined : state.error} />
        <Button type="submit" pending={pending}>
          {pending ? "Creating account…" : "Create account"}
        </Button>
      </form>
      <p className="mt-6 text-sm">
        Already have an account?{" "}
        <Link href="/login" className="text-brand-600 underline">
          Sign in
        </Link>
      </p>
    </>
  );
}
