"use client";
import dynamic from "next/dynamic";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { FormMessage } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { FormActions } from "@/components/ui/form-actions";
import { Dialog } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Switch } from "@/components/ui/switch";
import { confirmOptionsFrom, type ConfirmKeyOptions } from "@/components/two-factor/confirm-options";
import type { ActionState, ServerAction } from "@/lib/action";
import type { FactorKind, Proof } from "@/lib/two-factor/proof";

// The code prompt (with every factor's UI, WebAuthn's browser code included) loads when it opens.
const CodeConfirmDialog = dynamic(
  () => import("@/components/two-factor/code-confirm-dialog").then((m) => m.CodeConfirmDialog),
  { ssr: false },
);

type Prompt = "none" | "own-first" | "confirm" | "turn-off";

/** The Harness flow: the switch, "protect your own login first", the confirmation, and turning it off. */
export type EnforcementActions = {
  enforce: ServerAction<{ accountId: string; graceHours: string }>;
  stopEnforcing: ServerAction<Proof & { accountId: string }>;
  confirmKeyOptions: ConfirmKeyOptions;
};

export function EnforcementSettings({
  actions,
  accountId,
  maxGraceHours,
  enforced,
  adminHasTwoFactor,
  membersWithout,
  graceDeadline,
  confirmKinds,
}: {
  actions: EnforcementActions;
  /** The account the page showed (and the dialogs describe): both actions act on it, not on the current one. */
  accountId: string;
  /** From the page (lib/two-factor/proof), so zod's module stays out of the browser bundle. */
  maxGraceHours: number;
  enforced: boolean;
  adminHasTwoFactor: boolean;
  membersWithout: number;
  graceDeadline: string | null;
  /** What stopping enforcement may be confirmed with: the admin's own factors (a security key first). */
  confirmKinds: FactorKind[];
}) {
  const router = useRouter();
  const [prompt, setPrompt] = useState<Prompt>("none");
  const [grace, setGrace] = useState("0");
  const [state, setState] = useState<ActionState<unknown>>({});
  const [pending, setPending] = useState(false);
  const close = () => {
    setPrompt("none");
    setState({});
    router.refresh();
  };

  async function confirm() {
    setPending(true);
    const result = await actions.enforce({ accountId, graceHours: grace });
    setPending(false);
    if (result.ok) close();
    else setState(result);
  }

  const hours = Number(grace);
  const consequence =
    membersWithout === 0
      ? "Every member already uses two-factor authentication."
      : `${membersWithout} member${membersWithout === 1 ? " does" : "s do"} not use two-factor authentication yet; they will be emailed and ` +
        (Number.isInteger(hours) && hours > 0
          ? `can sign in without it for ${hours} more hour${hours === 1 ? "" : "s"}, then must set it up at sign-in.`
          : "must set it up at their next sign-in.");

  return (
    <>
      <Switch
        label="Enforce Two Factor Authentication"
        checked={enforced}
        onCheckedChange={(on) => setPrompt(on ? (adminHasTwoFactor ? "confirm" : "own-first") : "turn-off")}
        description="Every member must use an authenticator app to sign in to this account."
      />
      {enforced && graceDeadline && (
        <p className="mt-3 text-sm text-slate-700">
          Grace period: members without 2FA must set it up by {new Date(graceDeadline).toUTCString()}.
        </p>
      )}

      <Dialog
        open={prompt === "own-first"}
        onOpenChange={(open) => !open && close()}
        title="Protect your own login first"
      >
        <p className="text-sm text-slate-700">
          Before you require two-factor authentication for everyone, turn it on for your own login, so you cannot lock
          yourself out.
        </p>
        <div className="mt-6 flex justify-end gap-2">
          <Button variant="secondary" onClick={close}>
            Cancel
          </Button>
          <Link
            href="/profile?enrol=1&returnTo=%2Fsettings%2Fauthentication"
            className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700"
          >
            Go to settings
          </Link>
        </div>
      </Dialog>

      <Dialog
        open={prompt === "confirm"}
        onOpenChange={(open) => !open && close()}
        title="Enforce Two Factor Authentication?"
      >
        <form action={confirm} className="flex flex-col gap-4" noValidate>
          <p className="text-sm text-slate-700" data-testid="enforce-consequence">
            {consequence}
          </p>
          <Field
            label="Grace period (hours)"
            name="graceHours"
            type="number"
            inputMode="numeric"
            min={0}
            max={maxGraceHours}
            value={grace}
            onChange={(e) => setGrace(e.target.value)}
            hint={`0 to ${maxGraceHours}. During it, members without 2FA may still sign in, with a reminder.`}
            errors={state.fieldErrors?.graceHours}
          />
          <FormMessage error={state.fieldErrors ? undefined : state.error} />
          <FormActions submitLabel="Confirm" onCancel={close} pending={pending} />
        </form>
      </Dialog>

      {prompt === "turn-off" && (
        <CodeConfirmDialog
          title="Stop enforcing two-factor authentication?"
          description="Members will be able to turn off their own two-factor authentication. Confirm with a second factor."
          submitLabel="Stop enforcing"
          action={(proof) => actions.stopEnforcing({ ...proof, accountId })}
          kinds={confirmKinds}
          options={confirmOptionsFrom(actions.confirmKeyOptions)}
          onClose={close}
        />
      )}
    </>
  );
}
