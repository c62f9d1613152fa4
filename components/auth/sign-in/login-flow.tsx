"use client";
import dynamic from "next/dynamic";
import Link from "next/link";
import { useState } from "react";
import { prefetchCsrfToken } from "@/components/auth/auth-post";
import { Alert, FormMessage } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { PasswordField } from "@/components/ui/password-field";
import type { ActionState } from "@/lib/action";
import type { NextStep, SignInActions } from "./sign-in-actions";
import { submitPassword } from "./sign-in-routes";

// The later steps (QR code, dialogs, next-auth's client) load only when a password was right.
const ContinueSignIn = dynamic(() => import("./continue-sign-in").then((m) => m.ContinueSignIn), {
  loading: () => <p role="status">Loading…</p>,
});

type Next = NextStep & { email: string };

export function LoginFlow({
  actions,
  callbackUrl,
  notice,
  resume,
}: {
  actions: SignInActions;
  callbackUrl: string;
  notice?: string;
  resume: Next | null;
}) {
  const [next, setNext] = useState<Next | null>(resume);
  const [state, setState] = useState<ActionState<unknown>>({});
  const [pending, setPending] = useState(false);

  async function onPassword(formData: FormData) {
    setPending(true);
    const email = String(formData.get("email") ?? "");
    void prefetchCsrfToken(); // beside the password step: the exchange at the end waits for nothing else
    const result = await submitPassword({ email, password: String(formData.get("password") ?? "") });
    setState(result);
    setPending(false);
    if (result.ok && result.data)
      setNext({
        requirement: result.data.requirement,
        rememberDays: result.data.rememberDays,
        kinds: result.data.kinds,
        email,
      });
  }

  if (next) {
    return (
      <ContinueSignIn
        {...next}
        actions={actions}
        callbackUrl={callbackUrl}
        onRestart={() => {
          setNext(null);
          setState({});
        }}
      />
    );
  }

  return (
    <>
      <h1 className="text-2xl font-semibold">Sign in</h1>
      <form action={onPassword} className="mt-6 flex flex-col gap-4" noValidate>
        {notice && <Alert tone="success">{notice}</Alert>}
        <Field
          label="Email"
          name="email"
          type="email"
          autoComplete="username"
          required
          errors={state.fieldErrors?.email}
        />
        <PasswordField errors={state.fieldErrors?.password} />
        <FormMessage error={state.fieldErrors ? undefined : state.error} />
        <Button type="submit" pending={pending}>
          {pending ? "Signing in…" : "Sign in"}
        </Button>
      </form>
      <div className="mt-6 flex justify-between text-sm">
        <Link href="/forgot-password" className="text-brand-600 underline">
          Forgot your password?
        </Link>
        <Link href="/signup" className="text-brand-600 underline">
          Create an account
        </Link>
      </div>
    </>
  );
}
