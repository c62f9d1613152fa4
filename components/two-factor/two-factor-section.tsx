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
import type { EnrolmentActions } from "./enrolment-dialog";
import { SecurityKeys, type SecurityKeyActions, type SecurityKeyRow } from "./security-keys";

// Each dialog (the enrolment one brings the QR code) is fetched when it opens, not with the page.
const EnrolmentDialog = dynamic(() => import("./enrolment-dialog").then((m) => m.EnrolmentDialog), { ssr: false });
const DisableDialog = dynamic(() => import("./disable-dialog").then((m) => m.DisableDialog), { ssr: false });
const RegenerateDialog = dynamic(() => import("./regenerate-dialog").then((m) => m.RegenerateDialog), { ssr: false });

/** The profile's server actions for 2FA, handed down from the page. */
export type TwoFactorActions = EnrolmentActions & {
  turnOff: ServerAction<Proof>;
  regenerate: ServerAction<{ code: string }, { recoveryCodes: string[] }>;
  /** Options for confirming a change with a security key (bound to the session). */
  confirmKeyOptions: ServerAction<Record<string, never>, unknown>;
  keys: SecurityKeyActions;
};

type Open = "none" | "enrol" | "disable" | "regenerate";

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
  const confirmOptions = async () => {
    const result = await actions.confirmKeyOptions({});
    if (!result.ok) throw new Error(result.error);
    return result.data;
  };
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
          <div className="flex flex-wrap gap-2">
            <Button variant="secondary" onClick={() => setOpen("regenerate")} disabled={!hasAuthenticator}>
              Regenerate recovery codes
            </Button>
            {!hasAuthenticator && (
              <Button variant="secondary" onClick={() => setOpen("enrol")}>
                Set up authenticator app
              </Button>
            )}
          </div>
        </div>
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
          onCancel={close}
          onDone={() =>
            returnTo ? window.location.assign(safeRedirectPath(returnTo, window.location.origin)) : close()
          }
        />
      )}
      {open === "disable" && (
        <DisableDialog turnOff={actions.turnOff} kinds={confirmKinds} options={confirmOptions} onClose={close} />
      )}
      {open === "regenerate" && <RegenerateDialog regenerate={actions.regenerate} onClose={close} />}
    </Card>
  );
}
