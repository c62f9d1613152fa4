"use client";
import { useEffect, useRef, useState } from "react";
import type { ActionState } from "@/lib/action";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { ErrorCode } from "@/lib/errors";
import type { Proof } from "@/lib/two-factor/proof";
import { ConfirmStep, type AdditionConfirm } from "./confirm-step";
import { PasswordStep } from "./password-step";
import { RecoveryCodesView } from "./recovery-codes-view";
import { AddKeyDialog, type AddKeyActions } from "./add-key-dialog";
import { ScanStep } from "./scan-step";

type Step =
  | { name: "loading" }
  | { name: "password" }
  | { name: "confirm" }
  | { name: "scan"; secret: string; uri: string }
  | { name: "recovery-codes"; codes: string[] }
  | { name: "failed"; error: string };

export type EnrolmentActions = {
  /** Opens the pending secret; next to another factor only with a proof of one. */
  start: (input: { proof?: Proof }) => Promise<ActionState<{ secret: string; uri: string }>>;
  enable: (input: { code: string }) => Promise<ActionState<{ recoveryCodes: string[] | null }>>;
  /** In a session that signed in a while ago, the password again (the sign-in itself needs none). */
  confirmPassword?: (input: { password: string }) => Promise<ActionState<unknown>>;
  /** Forced enrolment offers a security key too (the profile has its own part for keys). */
  key?: AddKeyActions;
};

/**
 * Enrolment: scan the QR code (or type the Secret Key), confirm with a code, then save recovery codes.
 * The same dialog serves the profile and forced enrolment at sign-in; only the actions differ.
 */
export function EnrolmentDialog({
  email,
  actions,
  onCancel,
  onDone,
  reason,
  confirm,
}: {
  email: string;
  actions: EnrolmentActions;
  /** What adding the app may be confirmed with, for a user who already has a factor (a key). */
  confirm?: AdditionConfirm;
  /** Why enrolment is asked for, when it is not the user's own choice (the page behind is hidden). */
  reason?: string;
  onCancel: () => void;
  onDone: () => void;
}) {
  const [step, setStep] = useState<Step>({ name: "loading" });
  const [withKey, setWithKey] = useState(false);
  // The page hands the actions down, so a refresh brings a new object: the secret is asked for once
  // per dialog, never again behind the recovery codes (enabling re-renders the page).
  const start = useRef(actions.start);

  const [attempt, setAttempt] = useState(0);

  // Where starting leads: the QR code, or first the password again, then a factor the user has.
  const stepAfter = (result: Awaited<ReturnType<EnrolmentActions["start"]>>): Step | null =>
    result.ok && result.data
      ? { name: "scan", ...result.data }
      : result.code === ErrorCode.passwordRequired && actions.confirmPassword
        ? { name: "password" }
        : result.code === ErrorCode.secondFactorRequired && confirm
          ? { name: "confirm" }
          : null;

  useEffect(() => {
    let live = true;
    start.current({}).then((result) => {
      if (live) setStep(stepAfter(result) ?? { name: "failed", error: result.error ?? "Could not start." });
    });
    return () => {
      live = false;
    };
    // The actions object is new on every refresh; starting again is only for a new attempt.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [attempt]);

  const savingCodes = step.name === "recovery-codes";
  if (withKey && actions.key)
    return <AddKeyDialog actions={actions.key} reason={reason} onDone={onDone} onCancel={() => setWithKey(false)} />;
  return (
    <Dialog
      open
      onOpenChange={(open) => !open && (savingCodes ? onDone() : onCancel())}
      dismissible={!savingCodes}
      title={savingCodes ? "Save your recovery codes" : "Enable Two-Factor Authentication"}
      description={
        savingCodes
          ? "Two-factor authentication is on. Each code signs you in once if you lose your phone. They are shown only now."
          : step.name === "confirm"
            ? "Adding an authenticator app: once you confirm, its QR code is shown."
            : `${reason ? `${reason} ` : ""}Scan the QR code with your authenticator app, or type the Secret Key. It will show codes for ${email}.`
      }
    >
      {step.name === "loading" && <p role="status">Preparing your secret key…</p>}
      {step.name === "password" && actions.confirmPassword && (
        <PasswordStep
          confirm={actions.confirmPassword}
          onCancel={onCancel}
          onConfirmed={() => {
            setStep({ name: "loading" });
            setAttempt((n) => n + 1);
          }}
        />
      )}
      {step.name === "confirm" && confirm && (
        <ConfirmStep
          confirm={confirm}
          onCancel={onCancel}
          onSubmit={async (proof) => {
            const result = await start.current({ proof });
            const next = stepAfter(result);
            if (next) setStep(next);
            return next ? {} : result; // a wrong code stays in its prompt
          }}
        />
      )}
      {step.name === "failed" && (
        <p role="alert" className="text-red-700">
          {step.error}
        </p>
      )}
      {step.name === "scan" && (
        <ScanStep
          secret={step.secret}
          uri={step.uri}
          onCancel={onCancel}
          onEnable={async (code) => {
            const result = await actions.enable({ code });
            // No new codes when another factor (a security key) came first: the saved set stays valid.
            if (result.ok && result.data?.recoveryCodes)
              setStep({ name: "recovery-codes", codes: result.data.recoveryCodes });
            else if (result.ok) onDone();
            return result;
          }}
        />
      )}
      {step.name === "recovery-codes" && <RecoveryCodesView codes={step.codes} onDone={onDone} />}
      {actions.key && !savingCodes && (
        <Button variant="link" className="mt-4" onClick={() => setWithKey(true)}>
          Use a security key or passkey instead
        </Button>
      )}
    </Dialog>
  );
}
