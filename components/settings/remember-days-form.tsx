"use client";
import dynamic from "next/dynamic";
import { useState } from "react";
import { FormMessage } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { confirmOptionsFrom, type ConfirmKeyOptions } from "@/components/two-factor/confirm-options";
import type { ActionState, ServerAction } from "@/lib/action";
import type { FactorKind, Proof } from "@/lib/two-factor/proof";

// The code prompt (with every factor's UI, WebAuthn's browser code included) loads when it opens.
const CodeConfirmDialog = dynamic(
  () => import("@/components/two-factor/code-confirm-dialog").then((m) => m.CodeConfirmDialog),
  { ssr: false },
);

type Saved = { days: number };
const dayCount = (n: number) => `${n} day${n === 1 ? "" : "s"}`;

/**
 * "Remember devices for (days)": how long members may skip the second factor on a remembered browser.
 * A longer time than the account has lowers its protection, so it is confirmed with a second factor
 * first (the server asks for it too).
 */
export function RememberDaysForm({
  save,
  confirmKeyOptions,
  accountId,
  days,
  maxDays,
  enforced,
  confirmKinds,
}: {
  save: ServerAction<{ accountId: string; days: string; proof?: Proof }, Saved>;
  confirmKeyOptions: ConfirmKeyOptions;
  /** The account the page showed: the days are saved there, whatever another tab switched to. */
  accountId: string;
  days: number;
  /** From the page (lib/auth/remembered-devices), so server code stays out of the browser bundle. */
  maxDays: number;
  enforced: boolean;
  /** What a longer time may be confirmed with: the admin's own factors (none: the server says to add one). */
  confirmKinds: FactorKind[];
}) {
  const [current, setCurrent] = useState(days);
  const [state, setState] = useState<ActionState<Saved>>({});
  const [pending, setPending] = useState(false);
  const [longer, setLonger] = useState<string | null>(null);

  const saved = (result: ActionState<Saved>) => {
    setState(result);
    if (result.ok && result.data) setCurrent(result.data.days);
    return result;
  };

  async function onSubmit(formData: FormData) {
    const value = String(formData.get("days") ?? "").trim();
    const asked = /^\d+$/.test(value) ? Number(value) : NaN;
    if (confirmKinds.length > 0 && asked > current && asked <= maxDays) {
      setState({});
      setLonger(value);
      return;
    }
    setPending(true);
    saved(await save({ accountId, days: value }));
    setPending(false);
  }

  const done = state.ok && state.data;
  return (
    <>
      <form
        action={onSubmit}
        className="mt-6 flex flex-col gap-3 border-t border-slate-200 pt-4 sm:max-w-md"
        noValidate
      >
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
            (confirmKinds.length > 0 ? " A longer time asks for your second factor." : "") +
            (enforced ? "" : " Applies while two-factor authentication is enforced.")
          }
          errors={state.fieldErrors?.days}
        />
        <FormMessage
          error={state.fieldErrors ? undefined : state.error}
          success={
            done
              ? done.days === 0
                ? "Saved. Members must always enter a second factor."
                : `Saved. Devices are remembered for up to ${dayCount(done.days)}.`
              : undefined
          }
        />
        <Button type="submit" pending={pending} className="self-start">
          Save
        </Button>
      </form>
      {longer !== null && (
        <CodeConfirmDialog
          title="Remember devices for longer?"
          description={`Members will be able to skip the second factor on a remembered device for up to ${dayCount(Number(longer))}. Confirm with a second factor.`}
          submitLabel="Save"
          action={async (proof) => {
            const result = await save({ accountId, days: longer, proof });
            return result.ok ? saved(result) : result; // a refusal shows in the dialog, where the code was
          }}
          kinds={confirmKinds}
          options={confirmOptionsFrom(confirmKeyOptions)}
          onClose={() => setLonger(null)}
        />
      )}
    </>
  );
}
