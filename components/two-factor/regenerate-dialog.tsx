"use client";
import { useState } from "react";
import { Dialog } from "@/components/ui/dialog";
import type { ServerAction } from "@/lib/action";
import { CodePrompt } from "./code-prompt";
import { RecoveryCodesView } from "./recovery-codes-view";

export function RegenerateDialog({
  regenerate,
  onClose,
}: {
  regenerate: ServerAction<{ code: string }, { recoveryCodes: string[] }>;
  onClose: () => void;
}) {
  const [codes, setCodes] = useState<string[] | null>(null);
  return (
    <Dialog
      open
      onOpenChange={(open) => !open && onClose()}
      dismissible={!codes}
      title={codes ? "Save your new recovery codes" : "Regenerate recovery codes"}
      description={
        codes
          ? "Your old recovery codes no longer work. These are shown only now."
          : "Your current recovery codes will stop working. Confirm with a code from your authenticator app."
      }
    >
      {codes ? (
        <RecoveryCodesView codes={codes} onDone={onClose} />
      ) : (
        <CodePrompt
          submitLabel="Regenerate"
          kinds={["totp"]}
          onCancel={onClose}
          onSubmit={async (proof) => {
            const result = await regenerate({ code: "code" in proof ? proof.code : "" });
            if (result.ok && result.data) setCodes(result.data.recoveryCodes);
            return result;
          }}
        />
      )}
    </Dialog>
  );
}
