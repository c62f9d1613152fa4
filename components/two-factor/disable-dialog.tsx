"use client";
import type { ServerAction } from "@/lib/action";
import type { FactorKind, Proof } from "@/lib/two-factor/proof";
import { CodeConfirmDialog } from "./code-confirm-dialog";
import type { FactorOptions } from "./factors";

export function DisableDialog({
  turnOff,
  kinds,
  options,
  onClose,
}: {
  turnOff: ServerAction<Proof>;
  kinds?: FactorKind[];
  options?: FactorOptions;
  onClose: () => void;
}) {
  return (
    <CodeConfirmDialog
      title="Turn off Two-Factor Authentication?"
      description="Your sign-in will be protected by your password alone: your authenticator app and security keys are removed, and your other sessions are signed out. Confirm with a second factor."
      submitLabel="Turn off"
      action={turnOff}
      kinds={kinds}
      options={options}
      onClose={onClose}
    />
  );
}
