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
  return (
    <Dialog open={open} onOpenChange={(o) => !o && onCancel()} title={title} description={description}>
      <FormMessage error={error} />
      <div className="mt-4 flex justify-end gap-2">
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
        <Button
          variant="danger"
          pending={pending}
          onClick={async () => {
            setPending(true);
            const result = await onConfirm();
            setPending(false);
            if (result.ok) onCancel();
            else setError(result.error);
          }}
        >
          {confirmLabel}
        </Button>
      </div>
    </Dialog>
  );
}
