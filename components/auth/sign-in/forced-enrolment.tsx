"use client";
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { EnrolmentDialog, type EnrolmentActions } from "@/components/two-factor/enrolment-dialog";
import { finishSignIn } from "./finish-sign-in";

/** Sign-in into an account that enforces 2FA, for a user without it: enrol first, then the session. */
export function ForcedEnrolment({
  actions,
  email,
  callbackUrl,
  onCancel,
}: {
  actions: EnrolmentActions;
  email: string;
  callbackUrl: string;
  onCancel: () => void;
}) {
  const [error, setError] = useState<string>();
  return (
    <>
      <h1 className="text-2xl font-semibold">Set up two-factor authentication</h1>
      <p className="mt-2 text-sm text-slate-600">
        An account you belong to requires two-factor authentication. Set it up now to finish signing in.
      </p>
      {error && (
        <div className="mt-4">
          <Alert tone="error">{error}</Alert>
        </div>
      )}
      <EnrolmentDialog
        email={email}
        actions={actions}
        onCancel={onCancel}
        onDone={async () => {
          if (!(await finishSignIn(callbackUrl))) setError("Sign-in could not be completed. Please sign in again.");
        }}
      />
    </>
  );
}
