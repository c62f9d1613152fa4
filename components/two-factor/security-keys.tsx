"use client";
import dynamic from "next/dynamic";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import type { ServerAction } from "@/lib/action";
import type { FactorKind, Proof } from "@/lib/two-factor/proof";
import type { FactorOptions } from "./factors";
import type { AddKeyActions } from "./add-key-dialog";

// The dialogs (and WebAuthn's browser code) are fetched when one opens, not with the profile page.
const CodeConfirmDialog = dynamic(() => import("./code-confirm-dialog").then((m) => m.CodeConfirmDialog), {
  ssr: false,
});
const AddKeyDialog = dynamic(() => import("./add-key-dialog").then((m) => m.AddKeyDialog), { ssr: false });
const RenameKeyDialog = dynamic(() => import("./rename-key-dialog").then((m) => m.RenameKeyDialog), { ssr: false });

/** A key as the page formats it on the server (dates in words, so server and browser agree). */
export type SecurityKeyRow = { id: string; name: string; created: string; lastUsed: string };

export type SecurityKeyActions = AddKeyActions & {
  rename: ServerAction<{ id: string; name: string }, unknown>;
  remove: ServerAction<{ id: string; proof: Proof }, unknown>;
};

type Open = { name: "none" } | { name: "add" } | { name: "rename" | "remove"; key: SecurityKeyRow };

/** The "Security keys and passkeys" part of the Two-Factor Authentication card. */
export function SecurityKeys({
  keys,
  actions,
  confirmKinds,
  confirmOptions,
}: {
  keys: SecurityKeyRow[];
  actions: SecurityKeyActions;
  /** What removing or adding a key may be confirmed with: the user's own factors (none: adding needs none). */
  confirmKinds: FactorKind[];
  confirmOptions: FactorOptions;
}) {
  const router = useRouter();
  const [open, setOpen] = useState<Open>({ name: "none" });
  const close = () => {
    setOpen({ name: "none" });
    router.refresh();
  };
  return (
    <section
      aria-labelledby="security-keys-heading"
      className="mt-4 flex flex-col gap-3 border-t border-slate-200 pt-4"
    >
      <h3 id="security-keys-heading" className="font-medium">
        Security keys and passkeys
      </h3>
      {keys.length ? (
        <ul className="divide-y divide-slate-200" aria-label="Your security keys and passkeys">
          {keys.map((key) => (
            <li key={key.id} className="flex flex-wrap items-center justify-between gap-3 py-3">
              <div>
                <p className="font-medium">{key.name}</p>
                <p className="text-sm text-slate-600">
                  Added {key.created} · Last used {key.lastUsed}
                </p>
              </div>
              <div className="flex gap-2">
                <Button variant="secondary" onClick={() => setOpen({ name: "rename", key })}>
                  Rename<span className="sr-only"> {key.name}</span>
                </Button>
                <Button variant="secondary" onClick={() => setOpen({ name: "remove", key })}>
                  Remove<span className="sr-only"> {key.name}</span>
                </Button>
              </div>
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-sm text-slate-600">
          Sign in with a hardware security key (such as a YubiKey) or a passkey on your phone or computer.
        </p>
      )}
      <Button variant="secondary" className="self-start" onClick={() => setOpen({ name: "add" })}>
        Add security key or passkey
      </Button>
      {open.name === "add" && (
        <AddKeyDialog actions={actions} confirm={{ kinds: confirmKinds, options: confirmOptions }} onDone={close} />
      )}
      {open.name === "rename" && (
        <RenameKeyDialog
          current={open.key.name}
          rename={(name) => actions.rename({ id: open.key.id, name })}
          confirmPassword={actions.confirmPassword}
          onDone={close}
        />
      )}
      {open.name === "remove" && (
        <CodeConfirmDialog
          title={`Remove “${open.key.name}”?`}
          description="It will no longer sign you in, and your other sessions will be signed out. Confirm with a second factor."
          submitLabel="Remove"
          kinds={confirmKinds}
          options={confirmOptions}
          action={(proof) => actions.remove({ id: open.key.id, proof })}
          onClose={close}
        />
      )}
    </section>
  );
}
