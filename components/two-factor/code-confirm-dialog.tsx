"use client";
import { Dialog } from "@/components/ui/dialog";
import type { ActionState } from "@/lib/action";
import type { FactorKind, Proof } from "@/lib/two-factor/proof";
import { CodePrompt } from "./code-prompt";
import { codeKinds, type FactorOptions } from "./factors";

/** A change that lowers protection: confirmed with a fresh code (or recovery code) in the same prompt. */
export function CodeConfirmDialog({
  open = true,
  title,
  description,
  submitLabel,
  action,
  onClose,
  kinds = codeKinds,
  options,
}: {
  open?: boolean;
  title: string;
  description: string;
  submitLabel: string;
  action: (proof: Proof) => Promise<ActionState<unknown>>;
  onClose: () => void;
  /** The kinds this user can confirm with (a security key only if they have one); codes by default. */
  kinds?: FactorKind[];
  options?: FactorOptions;
}) {
  return (
    <Dialog open={open} onOpenChange={(o) => !o && onClose()} title={title} description={description}>
      <CodePrompt
        submitLabel={submitLabel}
        kinds={kinds}
        options={options}
        danger
        onCancel={onClose}
        onSubmit={async (proof) => {
          const result = await action(proof);
          if (result.ok) onClose();
          return result;
        }}
      />
    </Dialog>
  );
}
