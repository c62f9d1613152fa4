"use client";
import { useState } from "react";
import { signUp } from "@/app/(auth)/signup/actions";
import { FormMessage } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import type { ActionState } from "@/lib/action";
import { finishSignIn } from "./finish-sign-in";

export function SignupForm() {
  const [state, setState] = useState<ActionState<unknown>>({});
  const [pending, setPending] = useState(false);

  async function onSubmit(formData: FormData) {
    setPending(true);
    const result = await signUp(formData);
    setState(result);
    if (result.ok && (await finishSignIn("/profile"))) return;
    if (result.ok) setState({ error: "Your account was created. Please sign in." });
    setPending(false);
  }

  return (
    <form action={onSubmit} className="mt-6 flex flex-col gap-4" noValidate>
      <Field label="Name" name="name" autoComplete="name" required errors={state.fieldErrors?.name} />
      <Field label="Email" name="email" type="email" autoComplete="email" required errors={state.fieldErrors?.email} />
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        hint="At least 8 characters."
        errors={state.fieldErrors?.password}
      />
      <FormMessage error={state.fieldErrors ? undefined : state.error} />
      <Button type="submit" pending={pending}>
        {pending ? "Creating account…" : "Create account"}
      </Button>
    </form>
  );
}
