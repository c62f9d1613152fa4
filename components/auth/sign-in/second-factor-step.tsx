"use client";
import { useState } from "react";
import { FormMessage } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { factorKinds as kinds, factorUi } from "@/components/two-factor/factors";
import { ErrorCode } from "@/lib/errors";
import type { FactorKind } from "@/lib/two-factor/proof";
import { finishSignIn } from "./finish-sign-in";
import { RememberDeviceField, rememberTicked } from "./remember-device-field";
import type { SignInActions } from "./sign-in-actions";

/** The second screen of sign-in: the first factor kind, with the others offered instead. */
export function SecondFactorStep({
  submit,
  callbackUrl,
  onRestart,
  rememberDays,
}: {
  submit: SignInActions["submitSecondFactor"];
  callbackUrl: string;
  onRestart: () => void;
  /** What "Don't ask again on this device" may offer; 0 hides it. */
  rememberDays: number;
}) {
  const [method, setMethod] = useState<FactorKind>(kinds[0]!);
  const [error, setError] = useState<string>();
  const [expired, setExpired] = useState(false);
  const [pending, setPending] = useState(false);
  const ui = factorUi[method];

  async function onSubmit(formData: FormData) {
    setPending(true);
    setError(undefined);
    const result = await submit({ ...ui.readProof(formData), remember: rememberTicked(formData) });
    if (result.ok) {
      const left = result.data?.recoveryCodesLeft;
      const destination = left == null ? callbackUrl : `/profile?recoveryCodesLeft=${left}`;
      if (await finishSignIn(destination)) return;
      setError("Sign-in could not be completed. Please sign in again.");
      setExpired(true);
    } else {
      setError(result.fieldErrors?.code?.join(" ") ?? result.error);
      setExpired(result.code === ErrorCode.challengeExpired);
    }
    setPending(false);
  }

  return (
    <>
      <h1 className="text-2xl font-semibold">Two-Factor Authentication</h1>
      <p className="mt-2 text-sm text-slate-600">{ui.prompt}</p>
      <form action={onSubmit} className="mt-6 flex flex-col gap-4" noValidate key={method}>
        <ui.Input label={ui.signInLabel} autoFocus disabled={expired} />
        <RememberDeviceField days={rememberDays} disabled={expired} />
        <FormMessage error={error} />
        {expired ? (
          <Button type="button" onClick={onRestart}>
            Start again
          </Button>
        ) : (
          <Button type="submit" pending={pending}>
            {pending ? "Checking…" : "Verify"}
          </Button>
        )}
      </form>
      {!expired &&
        kinds
          .filter((kind) => kind !== method)
          .map((kind) => (
            <Button
              key={kind}
              variant="link"
              className="mt-4"
              onClick={() => {
                setMethod(kind);
                setError(undefined);
              }}
            >
              {factorUi[kind].switchLabel}
            </Button>
          ))}
    </>
  );
}
