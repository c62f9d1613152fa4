"use client";
import { useState } from "react";
import { Dialog } from "@/components/ui/dialog";
import type { ServerAction } from "@/lib/action";
import type { FactorKind, Proof } from "@/lib/two-factor/proof";
import { CodePrompt } from "./code-prompt";
import type { FactorOptions } from "./factors";
import { RecoveryCodesView } from "./recovery-codes-view";

export function RegenerateDialog({
  regenerate,
  kinds,
  options,
  onClose,
}: {
  regenerate: ServerAction<Proof, { recoveryCodes: string[] }>;
  /** The user's own factors (a security key first); a recovery code cannot stand in for a new set. */
  kinds: FactorKind[];
  options: FactorOptions;
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
          : "Your current recovery codes will stop working. Confirm with your authenticator app or a security key."
      }
    >
      {codes ? (
        <RecoveryCodesView codes={codes} onDone={onClose} />
      ) : (
        <CodePrompt
          submitLabel="Regenerate"
          kinds={kinds.filter((kind) => kind !== "recovery")}
          options={options}
          onCancel={onClose}
          onSubmit={async (proof) => {
            const result = await regenerate(proof);
            if (result.ok && result.data) setCodes(result.data.recoveryCodes);
            return result;
          }}
        />
      )}
    </Dialog>
  );
}
