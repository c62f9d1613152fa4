"use client";
import dynamic from "next/dynamic";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Switch } from "@/components/ui/switch";
import { safeRedirectPath } from "@/lib/safe-redirect";
import type { ServerAction } from "@/lib/action";
import type { FactorKind, Proof } from "@/lib/two-factor/proof";
import { AuthenticatorApp } from "./authenticator-app";
import { confirmOptionsFrom, type ConfirmKeyOptions } from "./confirm-options";
import type { EnrolmentActions } from "./enrolment-dialog";
import { SecurityKeys, type SecurityKeyActions, type SecurityKeyRow } from "./security-keys";

// Each dialog (the enrolment one brings the QR code) is fetched when it opens, not with the page.
const EnrolmentDialog = dynamic(() => import("./enrolment-dialog").then((m) => m.EnrolmentDialog), { ssr: false });
const DisableDialog = dynamic(() => import("./disable-dialog").then((m) => m.DisableDialog), { ssr: false });
const RegenerateDialog = dynamic(() => import("./regenerate-dialog").then((m) => m.RegenerateDialog), { ssr: false });
const RemoveAppDialog = dynamic(() => import("./remove-app-dialog").then((m) => m.RemoveAppDialog), { ssr: false });

/** The profile's server actions for 2FA, handed down from the page. */
export type TwoFactorActions = EnrolmentActions & {
  turnOff: ServerAction<Proof>;
  regenerate: ServerAction<Proof, { recoveryCodes: string[] }>;
  /** Removes the authenticator app alone (keys and recovery codes stay). */
  removeAuthenticator: ServerAction<Proof>;
  /** Options for confirming a change with a security key (bound to the session). */
  confirmKeyOptions: ConfirmKeyOptions;
  keys: SecurityKeyActions;
};

type Open = "none" | "enrol" | "disable" | "regenerate" | "remove-app";

/** The profile's Two-Factor Authentication section: the switch, the code count and the dialogs. */
export function TwoFactorSection({
  actions,
  enabled,
  lockedBy,
  recoveryCodesLeft,
  recoveryCodesLow,
  email,
  openEnrolment,
  returnTo,
  securityKeys,
  hasAuthenticator,
  confirmKinds,
}: {
  actions: TwoFactorActions;
  enabled: boolean;
  lockedBy: string[];
  recoveryCodesLeft: number;
  /** At or below the warning limit (decided by the page, so zod's module stays out of the bundle). */
  recoveryCodesLow: boolean;
  email: string;
  /** Opened from elsewhere ("Go to settings", the grace banner): start with the enrolment dialog. */
  openEnrolment?: boolean;
  /** Where to go once enrolled (a same-site path). */
  returnTo?: string;
  securityKeys: SecurityKeyRow[];
  /** The authenticator app is set up (a user may have keys alone). */
  hasAuthenticator: boolean;
  /** What a change that lowers protection may be confirmed with: the user's own factors. */
  confirmKinds: FactorKind[];
}) {
  const router = useRouter();
  const [open, setOpen] = useState<Open>(openEnrolment && !enabled ? "enrol" : "none");
  const close = () => {
    setOpen("none");
    router.refresh();
  };
  const locked = enabled && lockedBy.length > 0;
  const confirmOptions = confirmOptionsFrom(actions.confirmKeyOptions);
  return (
    <Card
      title="Two-Factor Authentication"
      description="Protect your sign-in with a 6-digit code from an authenticator app such as Google Authenticator, Authy or 1Password."
    >
      <Switch
        label="Two-Factor Authentication"
        checked={enabled}
        disabled={locked}
        onCheckedChange={(on) => setOpen(on ? "enrol" : "disable")}
        description={
          locked
            ? `Required by ${lockedBy.join(", ")}: it cannot be turned off while that account enforces it.`
            : enabled
              ? "Turning it off removes your authenticator app, security keys and recovery codes."
              : undefined
        }
      />
      {enabled && (
        <div className="mt-4 flex flex-col gap-3 border-t border-slate-200 pt-4">
          <p className="text-sm">
            <span className="font-medium" data-testid="recovery-codes-left">
              {recoveryCodesLeft}
            </span>{" "}
            unused recovery code{recoveryCodesLeft === 1 ? "" : "s"}.
          </p>
          {recoveryCodesLow && (
            <Alert tone="warning">
              {recoveryCodesLeft === 0
                ? "You have no recovery codes left."
                : `Only ${recoveryCodesLeft} recovery code${recoveryCodesLeft === 1 ? "" : "s"} left.`}{" "}
              <button type="button" className="font-medium underline" onClick={() => setOpen("regenerate")}>
                Regenerate recovery codes
              </button>{" "}
              so you can still sign in if you lose your phone.
            </Alert>
          )}
          <Button variant="secondary" className="self-start" onClick={() => setOpen("regenerate")}>
            Regenerate recovery codes
          </Button>
        </div>
      )}
      {enabled && (
        <AuthenticatorApp
          hasAuthenticator={hasAuthenticator}
          hasKeys={securityKeys.length > 0}
          onSetUp={() => setOpen("enrol")}
          onRemove={() => setOpen("remove-app")}
        />
      )}
      <SecurityKeys
        keys={securityKeys}
        actions={actions.keys}
        confirmKinds={confirmKinds}
        confirmOptions={confirmOptions}
      />
      {open === "enrol" && (
        <EnrolmentDialog
          email={email}
          actions={actions}
          confirm={{ kinds: confirmKinds, options: confirmOptions }}
          onCancel={close}
          onDone={() =>
            returnTo ? window.location.assign(safeRedirectPath(returnTo, window.location.origin)) : close()
          }
        />
      )}
      {open === "disable" && (
        <DisableDialog turnOff={actions.turnOff} kinds={confirmKinds} options={confirmOptions} onClose={close} />
      )}
      {open === "regenerate" && (
        <RegenerateDialog
          regenerate={actions.regenerate}
          kinds={confirmKinds}
          options={confirmOptions}
          onClose={close}
        />
      )}
      {open === "remove-app" && (
        <RemoveAppDialog
          remove={actions.removeAuthenticator}
          kinds={confirmKinds}
          options={confirmOptions}
          onClose={close}
        />
      )}
    </Card>
  );
}
