"use client";
import { turnOffTwoFactor } from "@/app/(app)/profile/actions";
import { Dialog } from "@/components/ui/dialog";
import { CodePrompt } from "./code-prompt";

export function DisableDialog({ onClose }: { onClose: () => void }) {
  return (
    <Dialog
      open
      onOpenChange={(open) => !open && onClose()}
      title="Turn off Two-Factor Authentication?"
      description="Your sign-in will be protected by your password alone, and your other sessions will be signed out. Confirm with a current code."
    >
      <CodePrompt
        submitLabel="Turn off"
        allowRecovery
        danger
        onCancel={onClose}
        onSubmit={async (proof) => {
          const result = await turnOffTwoFactor(proof);
          if (result.ok) onClose();
          return result;
        }}
      />
    </Dialog>
  );
}
