"use client";
import { useEffect, useRef, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { finishSignIn } from "./finish-sign-in";
import { ForcedEnrolment } from "./forced-enrolment";
import { SecondFactorStep } from "./second-factor-step";

export type Requirement = "none" | "verify" | "enrol";

/** After a proved password (sign-in, sign-up, invitation): the second factor or enrolment, then the session. */
export function ContinueSignIn({
  requirement,
  email,
  callbackUrl,
  onRestart,
}: {
  requirement: Requirement;
  email: string;
  callbackUrl: string;
  onRestart: () => void;
}) {
  const [failed, setFailed] = useState(false);
  // Once only: the challenge is single use, and React runs effects twice in development.
  const started = useRef(false);
  useEffect(() => {
    if (requirement !== "none" || started.current) return;
    started.current = true;
    finishSignIn(callbackUrl).then((ok) => !ok && setFailed(true));
  }, [requirement, callbackUrl]);
  if (requirement === "verify") return <SecondFactorStep callbackUrl={callbackUrl} onRestart={onRestart} />;
  if (requirement === "enrol") return <ForcedEnrolment email={email} callbackUrl={callbackUrl} onCancel={onRestart} />;
  return failed ? <Alert tone="error">Sign-in could not be completed. Please sign in again.</Alert> : <p role="status">Signing you in…</p>;
}
