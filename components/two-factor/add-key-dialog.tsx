"use client";
import { startRegistration, type PublicKeyCredentialCreationOptionsJSON } from "@simplewebauthn/browser";
import { useState } from "react";
import { Dialog } from "@/components/ui/dialog";
import type { ActionState, ServerAction } from "@/lib/action";
import { ErrorCode } from "@/lib/errors";
import type { Proof } from "@/lib/two-factor/proof";
import { ConfirmStep, type AdditionConfirm } from "./confirm-step";
import { keyErrorMessage } from "./factors/webauthn";
import { KeyNameForm } from "./key-name-form";
import { PasswordStep } from "./password-step";
import { RecoveryCodesView } from "./recovery-codes-view";

/** Adding a key: the profile's (or /enrol's) actions. */
export type AddKeyActions = {
  /** Opens the server's ceremony; next to another factor only with a proof of one. */
  options: ServerAction<{ proof?: Proof }, unknown>;
  add: ServerAction<{ name: string; response: unknown }, { recoveryCodes: string[] | null }>;
  /** In a session that signed in a while ago, the password again before a key is added. */
  confirmPassword?: ServerAction<{ password: string }, unknown>;
};

type Step = "name" | "password" | "confirm";

/**
 * Asks a name, then (when the server asks) the password again and a second factor the user already
 * has, then the browser asks for the key; the first factor shows its recovery codes once.
 */
export function AddKeyDialog({
  actions,
  confirm,
  reason,
  onDone,
  onCancel = onDone,
}: {
  actions: AddKeyActions;
  /** What an addition may be confirmed with, for a user who already has a factor. */
  confirm?: AdditionConfirm;
  /** Why a factor is asked for, when it is not the user's own choice (forced enrolment). */
  reason?: string;
  onDone: () => void;
  onCancel?: () => void;
}) {
  const [step, setStep] = useState<Step>("name");
  const [name, setName] = useState("");
  const [state, setState] = useState<ActionState<unknown>>({});
  const [pending, setPending] = useState(false);
  const [codes, setCodes] = useState<string[]>();
  // Options the server opened (a proof spent on them): a browser prompt dismissed can be tried again.
  const [opened, setOpened] = useState<unknown>();

  const stepFor = (code?: ErrorCode): Step | null =>
    code === ErrorCode.passwordRequired && actions.confirmPassword
      ? "password"
      : code === ErrorCode.secondFactorRequired && confirm
        ? "confirm"
        : null;

  /** Opens the ceremony (with the proof, when asked for one), then the browser's prompt, then adds the key. */
  async function register(keyName: string, proof?: Proof): Promise<ActionState<unknown>> {
    const options = opened ? { ok: true, data: opened } : await actions.options(proof ? { proof } : {});
    if (!options.ok) {
      const next = stepFor(options.code);
      if (!next) return options; // said where it was asked: a wrong code stays in its prompt
      setStep(next);
      return {};
    }
    setOpened(options.data);
    const asked = await askBrowser(options.data);
    if ("response" in asked) setOpened(undefined); // the server takes the ceremony with the answer
    const result = "response" in asked ? await actions.add({ name: keyName, response: asked.response }) : asked;
    if (result.ok && result.data?.recoveryCodes) setCodes(result.data.recoveryCodes);
    else if (result.ok) onDone();
    else {
      setStep("name");
      setState(result);
    }
    return {};
  }

  async function submitName(form: FormData) {
    const typed = String(form.get("name") ?? "");
    if (!typed.trim())
      return setState({ fieldErrors: { name: ["Give the key a name, for example “YubiKey” or “Laptop”."] } });
    setName(typed);
    setPending(true);
    setState({});
    const refused = await register(typed);
    setPending(false);
    if (refused.error) setState(refused);
  }

  const description = codes
    ? "Two-Factor Authentication is on. Each code works once if you lose your security key."
    : step === "confirm"
      ? `Adding “${name}”: once you confirm, your browser asks for the new key.`
      : `${reason ? `${reason} ` : ""}Name it so you can tell your keys apart. Your browser then asks you to insert or touch the key, or to use a passkey.`;
  return (
    <Dialog
      open
      onOpenChange={(o) => !o && !codes && onCancel()}
      dismissible={!codes}
      title={codes ? "Save your recovery codes" : "Add security key or passkey"}
      description={description}
    >
      {codes ? (
        <RecoveryCodesView codes={codes} onDone={onDone} />
      ) : step === "password" && actions.confirmPassword ? (
        <PasswordStep confirm={actions.confirmPassword} onCancel={onCancel} onConfirmed={() => setStep("name")} />
      ) : step === "confirm" && confirm ? (
        <ConfirmStep confirm={confirm} onSubmit={(proof) => register(name, proof)} onCancel={onCancel} />
      ) : (
        <KeyNameForm
          action={submitName}
          defaultValue={name}
          state={state}
          submitLabel="Continue"
          pending={pending}
          onCancel={onCancel}
        />
      )}
    </Dialog>
  );
}

/** The browser's prompt for the new key: its answer, or why there is none (the options stay usable). */
async function askBrowser(options: unknown): Promise<{ response: unknown } | { ok: false; error: string }> {
  try {
    return { response: await startRegistration({ optionsJSON: options as PublicKeyCredentialCreationOptionsJSON }) };
  } catch (error) {
    const registered = error instanceof Error && error.name === "InvalidStateError";
    return { ok: false, error: registered ? "This security key is already registered." : keyErrorMessage(error) };
  }
}
