import { Button } from "./button";

/** The row at the bottom of a dialog's form: Cancel, then the submit button. */
export function FormActions({
  submitLabel,
  onCancel,
  pending,
  danger,
}: {
  submitLabel: string;
  onCancel: () => void;
  pending?: boolean;
  danger?: boolean;
}) {
  return (
    <div className="flex justify-end gap-2">
      <Button type="button" variant="secondary" onClick={onCancel}>
        Cancel
      </Button>
      <Button type="submit" variant={danger ? "danger" : "primary"} pending={pending}>
        {submitLabel}
      </Button>
    </div>
  );
}
