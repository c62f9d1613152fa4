"use client";
import { useState } from "react";
import { FormMessage } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { factorUi } from "@/components/two-factor/factors";
import { ErrorCode } from "@/lib/errors";
import type { FactorKind } from "@/lib/two-factor/proof";
import { finishSignIn } from "./finish-sign-in";
import { RememberDeviceField, rememberTicked } from "./remember-device-field";
import { submitSecondFactor } from "./sign-in-routes";
import type { SignInActions } from "./sign-in-actions";

type Actions = Pick<SignInActions, "secondFactorOptions">;

/** The second screen of sign-in: the user's first factor kind (a security key if they have one), others instead. */
export function SecondFactorStep({
  actions,
  kinds,
  callbackUrl,
  onRestart,
  rememberDays,
}: {
  actions: Actions;
  /** What the user can answer with, in order (the password step's answer): the first is asked for. */
  kinds: FactorKind[];
  callbackUrl: string;
  onRestart: () => void;
  /** What "Don't ask again on this device" may offer; 0 hides it. */
  rememberDays: number;
}) {
  const [method, setMethod] = useState<FactorKind | undefined>(kinds[0]);
  const [error, setError] = useState<string>();
  const [expired, setExpired] = useState(false);
  const [pending, setPending] = useState(false);

  async function onSubmit(formData: FormData) {
    if (!method) return;
    setPending(true);
    setError(undefined);
    const options = async () => {
      const result = await actions.secondFactorOptions({ kind: "webauthn" });
      if (!result.ok) throw new Error(result.error);
      return result.data;
    };
    const proof = await factorUi[method].readProof(formData, options).catch((e: Error) => e);
    const result =
      proof instanceof Error
        ? { ok: false, error: proof.message }
        : await submitSecondFactor({ ...proof, remember: rememberTicked(formData) });
    if (result.ok) {
      const { recoveryCodesLeft: left = null, signedIn = false } = ("data" in result && result.data) || {};
      const destination = left == null ? callbackUrl : `/profile?recoveryCodesLeft=${left}`;
      if (await finishSignIn(destination, signedIn)) return;
      setError("Sign-in could not be completed. Please sign in again.");
      setExpired(true);
    } else {
      setError(("fieldErrors" in result && result.fieldErrors?.code?.join(" ")) || result.error);
      setExpired("code" in result && result.code === ErrorCode.challengeExpired);
    }
    setPending(false);
  }

  const ui = method && factorUi[method];
  return (
    <>
      <h1 className="text-2xl font-semibold">Two-Factor Authentication</h1>
      {ui && <p className="mt-2 text-sm text-slate-600">{ui.prompt}</p>}
      <form action={onSubmit} className="mt-6 flex flex-col gap-4" noValidate key={method}>
        {ui && <ui.Input label={ui.signInLabel} autoFocus disabled={expired} />}
        {ui && <RememberDeviceField days={rememberDays} disabled={expired} />}
        <FormMessage error={error} />
        {expired ? (
          <Button type="button" onClick={onRestart}>
            Start again
          </Button>
        ) : (
          ui && (
            <Button type="submit" pending={pending}>
              {pending ? "Checking…" : (ui.submitLabel ?? "Verify")}
            </Button>
          )
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
