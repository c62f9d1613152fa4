"use client";
import { useState } from "react";
import { PasswordStep } from "@/components/two-factor/password-step";
import { Dialog } from "@/components/ui/dialog";
import type { ActionState } from "@/lib/action";
import { ErrorCode } from "@/lib/errors";

/** The profile's confirmPasswordAgain, handed down from a page. */
export type ConfirmPassword = (input: { password: string }) => Promise<ActionState<unknown>>;
type Answer = { ok?: boolean; error?: string; code?: string };

/**
 * For actions the server takes only with the password lately in this session (requireRecentPassword).
 * `guard` runs one: when the answer is "password_required" it asks for the password and, once that is
 * confirmed, runs the action again and hands its answer to `done`; it returns null meanwhile.
 * `inDialog` does the same for a confirmation dialog's action. `ask` only asks, then calls `retry` or
 * `cancel` (a form action waits for it). Render `prompt` once in the component. Without `confirm`
 * nothing is asked: the answer goes to `done` as it is.
 */
export function usePasswordAgain(confirm: ConfirmPassword | undefined, purpose: string) {
  const [asking, setAsking] = useState<{ retry: () => void; cancel?: () => void } | null>(null);
  const ask = (retry: () => void, cancel?: () => void) => setAsking({ retry, cancel });
  async function guard<R extends Answer>(call: () => Promise<R>, done: (result: R) => void): Promise<R | null> {
    const result = await call();
    if (result.code !== ErrorCode.passwordRequired || !confirm) {
      done(result);
      return result;
    }
    ask(() => void guard(call, done));
    return null;
  }
  /**
   * The first answer goes back to the dialog, which shows a refusal itself, and to `now`. Asked for the
   * password instead, the dialog closes; the answer of the run after it goes to `later`, as the dialog
   * is gone and the caller shows it.
   */
  async function inDialog<R extends Answer>(
    call: () => Promise<R>,
    now: (result: R) => void,
    later: (result: R) => void,
  ): Promise<R | { ok: true }> {
    let first = true;
    const result = await guard(call, (answer) => (first ? now : later)(answer));
    first = false;
    return result ?? { ok: true };
  }
  const close = (then?: () => void) => {
    setAsking(null);
    then?.();
  };
  const prompt = confirm && (
    <Dialog
      open={asking !== null}
      onOpenChange={(open) => !open && close(asking?.cancel)}
      title="Confirm your password"
    >
      <PasswordStep
        confirm={confirm}
        purpose={purpose}
        onConfirmed={() => close(asking?.retry)}
        onCancel={() => close(asking?.cancel)}
      />
    </Dialog>
  );
  return { guard, inDialog, ask, prompt };
}
