"use client";
import { useEffect, useRef, useState } from "react";
import { prefetchCsrfToken } from "@/components/auth/auth-post";
import { Alert } from "@/components/ui/alert";
import { finishSignIn } from "./finish-sign-in";
import { ForcedEnrolment } from "./forced-enrolment";
import { SecondFactorStep } from "./second-factor-step";
import type { NextStep, SignInActions } from "./sign-in-actions";

/** After a proved password (sign-in, sign-up, invitation): the second factor or enrolment, then the session. */
export function ContinueSignIn({
  actions,
  email,
  callbackUrl,
  onRestart,
  ...initial
}: NextStep & {
  actions: SignInActions;
  email: string;
  callbackUrl: string;
  onRestart: () => void;
}) {
  const [step, setStep] = useState<NextStep>(initial);
  const { requirement } = step;
  const [failed, setFailed] = useState(false);
  // Once only: the challenge is single use, and React runs effects twice in development.
  const started = useRef(false);
  useEffect(() => void prefetchCsrfToken(), []); // while the user answers the next step
  useEffect(() => {
    if (requirement !== "none" || started.current) return;
    started.current = true;
    finishSignIn(callbackUrl).then(async (ok) => {
      if (ok) return;
      // Refused: the server may now ask for more than when the password was checked (2FA enforced).
      const next = await actions.resume({});
      if (next.ok && next.data && next.data.requirement !== "none") setStep(next.data);
      else setFailed(true);
    });
  }, [requirement, callbackUrl, actions]);
  if (requirement === "verify")
    return (
      <SecondFactorStep
        actions={actions}
        kinds={step.kinds}
        callbackUrl={callbackUrl}
        onRestart={onRestart}
        rememberDays={step.rememberDays}
      />
    );
  if (requirement === "enrol")
    return <ForcedEnrolment actions={actions.enrolment} email={email} callbackUrl={callbackUrl} onCancel={onRestart} />;
  return failed ? (
    <Alert tone="error">Sign-in could not be completed. Please sign in again.</Alert>
  ) : (
    <p role="status">Signing you in…</p>
  );
}
