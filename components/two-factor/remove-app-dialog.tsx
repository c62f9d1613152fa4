"use client";
import type { ServerAction } from "@/lib/action";
import type { FactorKind, Proof } from "@/lib/two-factor/proof";
import { CodeConfirmDialog } from "./code-confirm-dialog";
import type { FactorOptions } from "./factors";

/** Removing the authenticator app alone (security keys remain), confirmed with a second factor. */
export function RemoveAppDialog({
  remove,
  kinds,
  options,
  onClose,
}: {
  remove: ServerAction<Proof>;
  kinds: FactorKind[];
  options: FactorOptions;
  onClose: () => void;
}) {
  return (
    <CodeConfirmDialog
      title="Remove authenticator app?"
      description="Its codes will no longer sign you in, and your other sessions will be signed out. Your security keys and recovery codes stay. Confirm with a second factor."
      submitLabel="Remove"
      action={remove}
      kinds={kinds}
      options={options}
      onClose={onClose}
    />
  );
}
