"use client";
import { useState } from "react";
import { submitSecondFactor } from "@/app/(auth)/login/actions";
import { FormMessage } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { CodeField } from "@/components/two-factor/code-field";
import { ErrorCode } from "@/lib/errors";
import { finishSignIn } from "./finish-sign-in";

/** The second screen of sign-in: a 6-digit code, or a recovery code instead. */
export function SecondFactorStep({ callbackUrl, onRestart }: { callbackUrl: string; onRestart: () => void }) {
  const [method, setMethod] = useState<"totp" | "recovery">("totp");
  const [error, setError] = useState<string>();
  const [expired, setExpired] = useState(false);
  const [pending, setPending] = useState(false);

  async function onSubmit(formData: FormData) {
    setPending(true);
    setError(undefined);
    const result = await submitSecondFactor({ method, code: String(formData.get("code") ?? "") });
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
      <p className="mt-2 text-sm text-slate-600">
        {method === "totp"
          ? "Enter the 6-digit code from your authenticator app."
          : "Enter one of the recovery codes you saved when you turned on two-factor authentication."}
      </p>
      <form action={onSubmit} className="mt-6 flex flex-col gap-4" noValidate key={method}>
        {method === "totp" ? (
          <CodeField label="Authentication code" name="code" autoFocus disabled={expired} />
        ) : (
          <CodeField label="Recovery code" name="code" kind="recovery" autoFocus disabled={expired} />
        )}
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
      {!expired && (
        <Button
          variant="link"
          className="mt-4"
          onClick={() => {
            setMethod(method === "totp" ? "recovery" : "totp");
            setError(undefined);
          }}
        >
          {method === "totp" ? "Use a recovery code instead" : "Use your authenticator app instead"}
        </Button>
      )}
    </>
  );
}
