"use client";
import { useActionState } from "react";
import { FormMessage } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import type { FormAction } from "@/lib/action";

/** "Remember devices for (days)": how long members may skip the second factor on a remembered browser. */
export function RememberDaysForm({
  save,
  accountId,
  days,
  maxDays,
  enforced,
}: {
  save: FormAction<{ days: number }>;
  /** The account the page showed: the days are saved there, whatever another tab switched to. */
  accountId: string;
  days: number;
  /** From the page (lib/auth/remembered-devices), so server code stays out of the browser bundle. */
  maxDays: number;
  enforced: boolean;
}) {
  const [state, submit, pending] = useActionState(save, {});
  const saved = state.ok && state.data;
  return (
    <form action={submit} className="mt-6 flex flex-col gap-3 border-t border-slate-200 pt-4 sm:max-w-md" noValidate>
      <input type="hidden" name="accountId" value={accountId} />
      <Field
        label="Remember devices for (days)"
        name="days"
        type="number"
        inputMode="numeric"
        min={0}
        max={maxDays}
        defaultValue={days}
        required
        hint={
          `0 to ${maxDays}. Members who tick "Don't ask again on this device" skip the second factor there for ` +
          `this long; 0 means they must always enter it.` +
          (enforced ? "" : " Applies while two-factor authentication is enforced.")
        }
        errors={state.fieldErrors?.days}
      />
      <FormMessage
        error={state.fieldErrors ? undefined : state.error}
        success={
          saved
            ? saved.days === 0
              ? "Saved. Members must always enter a second factor."
              : `Saved. Devices are remembered for up to ${saved.days} day${saved.days === 1 ? "" : "s"}.`
            : undefined
        }
      />
      <Button type="submit" pending={pending} className="self-start">
        Save
      </Button>
    </form>
  );
}
