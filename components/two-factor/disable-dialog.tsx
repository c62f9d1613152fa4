"use client";
import { turnOffTwoFactor } from "@/app/(app)/profile/actions";
import { CodeConfirmDialog } from "./code-confirm-dialog";

export function DisableDialog({ onClose }: { onClose: () => void }) {
  return (
    <CodeConfirmDialog
      title="Turn off Two-Factor Authentication?"
      description="Your sign-in will be protected by your password alone, and your other sessions will be signed out. Confirm with a current code."
      submitLabel="Turn off"
      action={turnOffTwoFactor}
      onClose={onClose}
    />
  );
}
