"use client";
import type { ServerAction } from "@/lib/action";
import type { Proof } from "@/lib/two-factor/proof";
import { CodeConfirmDialog } from "./code-confirm-dialog";

export function DisableDialog({ turnOff, onClose }: { turnOff: ServerAction<Proof>; onClose: () => void }) {
  return (
    <CodeConfirmDialog
      title="Turn off Two-Factor Authentication?"
      description="Your sign-in will be protected by your password alone, and your other sessions will be signed out. Confirm with a current code."
      submitLabel="Turn off"
      action={turnOff}
      onClose={onClose}
    />
  );
}
