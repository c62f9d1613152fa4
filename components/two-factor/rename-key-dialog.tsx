"use client";
import { useState } from "react";
import { Dialog } from "@/components/ui/dialog";
import type { ActionState } from "@/lib/action";
import { ErrorCode } from "@/lib/errors";
import type { AddKeyActions } from "./add-key-dialog";
import { KeyNameForm } from "./key-name-form";
import { PasswordStep } from "./password-step";

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
        <KeyNameForm
          action={submit}
          defaultValue={current}
          state={state}
          submitLabel="Rename"
          pending={pending}
          onCancel={onDone}
        />
      )}
    </Dialog>
  );
}
