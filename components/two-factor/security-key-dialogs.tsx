"use client";
import { startRegistration, type PublicKeyCredentialCreationOptionsJSON } from "@simplewebauthn/browser";
import { useState } from "react";
import { FormMessage } from "@/components/ui/alert";
import { Dialog } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { FormActions } from "@/components/ui/form-actions";
import type { ActionState, ServerAction } from "@/lib/action";
import { ErrorCode } from "@/lib/errors";
import { keyErrorMessage } from "./factors/webauthn";
import { PasswordStep } from "./password-step";
import { RecoveryCodesView } from "./recovery-codes-view";

/** Adding a key: the profile's (or /enrol's) actions. */
export type AddKeyActions = {
  options: ServerAction<Record<string, never>, unknown>;
  add: ServerAction<{ name: string; response: unknown }, { recoveryCodes: string[] | null }>;
  /** In a session that signed in a while ago, the password again before a key is added. */
  confirmPassword?: ServerAction<{ password: string }, unknown>;
};

/** Asks a name, then the browser asks for the key; the first factor shows its recovery codes once. */
export function AddKeyDialog({
  actions,
  reason,
  onDone,
  onCancel = onDone,
}: {
  actions: AddKeyActions;
  /** Why a factor is asked for, when it is not the user's own choice (forced enrolment). */
  reason?: string;
  onDone: () => void;
  onCancel?: () => void;
}) {
  const [state, setState] = useState<ActionState<unknown>>({});
  const [pending, setPending] = useState(false);
  const [codes, setCodes] = useState<string[]>();
  const [needsPassword, setNeedsPassword] = useState(false);

  async function submit(form: FormData) {
    setPending(true);
    setState({});
    const name = String(form.get("name") ?? "");
    const result = await register(name, actions);
    setPending(false);
    if (result.ok && result.data?.recoveryCodes) setCodes(result.data.recoveryCodes);
    else if (result.ok) onDone();
    else if (result.code === ErrorCode.passwordRequired && actions.confirmPassword) setNeedsPassword(true);
    else setState(result);
  }

  return (
    <Dialog
      open
      onOpenChange={(o) => !o && !codes && onCancel()}
      dismissible={!codes}
      title={codes ? "Save your recovery codes" : "Add security key or passkey"}
      description={
        codes
          ? "Two-Factor Authentication is on. Each code works once if you lose your security key."
          : `${reason ? `${reason} ` : ""}Name it so you can tell your keys apart. Your browser then asks you to insert or touch the key, or to use a passkey.`
      }
    >
      {codes ? (
        <RecoveryCodesView codes={codes} onDone={onDone} />
      ) : needsPassword && actions.confirmPassword ? (
        <PasswordStep
          confirm={actions.confirmPassword}
          onCancel={onCancel}
          onConfirmed={() => setNeedsPassword(false)}
        />
      ) : (
        <form action={submit} className="flex flex-col gap-4" noValidate>
          <Field label="Name" name="name" maxLength={60} required autoFocus errors={state.fieldErrors?.name} />
          <FormMessage error={state.fieldErrors?.name ? undefined : state.error} />
          <FormActions submitLabel="Continue" onCancel={onCancel} pending={pending} />
        </form>
      )}
    </Dialog>
  );
}

async function register(
  name: string,
  actions: AddKeyActions,
): Promise<ActionState<{ recoveryCodes: string[] | null }>> {
  if (!name.trim())
    return { ok: false, fieldErrors: { name: ["Give the key a name, for example “YubiKey” or “Laptop”."] } };
  const options = await actions.options({});
  if (!options.ok) return options as ActionState<never>;
  try {
    const optionsJSON = options.data as PublicKeyCredentialCreationOptionsJSON;
    return actions.add({ name, response: await startRegistration({ optionsJSON }) });
  } catch (error) {
    const name = error instanceof Error ? error.name : "";
    if (name === "InvalidStateError") return { ok: false, error: "This security key is already registered." };
    return { ok: false, error: keyErrorMessage(error) };
  }
}

/**
 * Renames one key. No second factor (a name protects nothing), but a recent password: a stolen
 * session must not relabel the owner's keys ("old key, safe to remove").
 */
export function RenameKeyDialog({
  current,
  rename,
  confirmPassword,
  onDone,
}: {
  current: string;
  rename: (name: string) => Promise<ActionState<unknown>>;
  confirmPassword?: AddKeyActions["confirmPassword"];
  onDone: () => void;
}) {
  const [state, setState] = useState<ActionState<unknown>>({});
  const [pending, setPending] = useState(false);
  const [needsPassword, setNeedsPassword] = useState(false);
  async function submit(form: FormData) {
    setPending(true);
    setState({});
    const result = await rename(String(form.get("name") ?? ""));
    setPending(false);
    if (result.ok) onDone();
    else if (result.code === ErrorCode.passwordRequired && confirmPassword) setNeedsPassword(true);
    else setState(result);
  }
  return (
    <Dialog open onOpenChange={(o) => !o && onDone()} title={`Rename “${current}”`}>
      {needsPassword && confirmPassword ? (
        <PasswordStep
          confirm={confirmPassword}
          purpose="rename it"
          onCancel={onDone}
          onConfirmed={() => setNeedsPassword(false)}
        />
      ) : (
        <form action={submit} className="flex flex-col gap-4" noValidate>
          <Field
            label="Name"
            name="name"
            defaultValue={current}
            maxLength={60}
            required
            autoFocus
            errors={state.fieldErrors?.name}
          />
          <FormMessage error={state.fieldErrors?.name ? undefined : state.error} />
          <FormActions submitLabel="Rename" onCancel={onDone} pending={pending} />
        </form>
      )}
    </Dialog>
  );
}
