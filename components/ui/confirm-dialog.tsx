"use client";
import { useState } from "react";
import { FormMessage } from "./alert";
import { Button } from "./button";
import { Dialog } from "./dialog";

/** Confirm or Cancel; stays open with the error if the action fails. */
export function ConfirmDialog({
  open,
  title,
  description,
  confirmLabel,
  onConfirm,
  onCancel,
}: {
  open: boolean;
  title: string;
  description: string;
  confirmLabel: string;
  onConfirm: () => Promise<{ ok?: boolean; error?: string }>;
  onCancel: () => void;
}) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  const close = () => {
    setError(undefined); // a refusal shown last time is not carried into the next attempt
    onCancel();
  };
  return (
    <Dialog open={open} onOpenChange={(o) => !o && close()} title={title} description={description}>
      <FormMessage error={error} />
      <div className="mt-4 flex justify-end gap-2">
        <Button variant="secondary" onClick={close}>
          Cancel
        </Button>
        <Button
          variant="danger"
          pending={pending}
          onClick={async () => {
            setPending(true);
            const result = await onConfirm();
            setPending(false);
            if (result.ok) close();
            else setError(result.error);
          }}
        >
          {confirmLabel}
        </Button>
      </div>
    </Dialog>
  );
}
