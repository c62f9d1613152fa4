"use client";
import dynamic from "next/dynamic";
import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { usePasswordAgain, type ConfirmPassword } from "@/components/auth/password-again";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { confirmOptionsFrom, type ConfirmKeyOptions } from "@/components/two-factor/confirm-options";
import type { ActionState, ServerAction } from "@/lib/action";
import type { FactorKind, Proof } from "@/lib/two-factor/proof";
import { Shield } from "./shield";

// The code prompt (with every factor's UI, WebAuthn's browser code included) loads when it opens.
const CodeConfirmDialog = dynamic(
  () => import("@/components/two-factor/code-confirm-dialog").then((m) => m.CodeConfirmDialog),
  { ssr: false },
);

type Member = {
  membershipId: string;
  name: string;
  email: string;
  role: "owner" | "admin" | "member";
  twoFactor: boolean;
  /** Which second factors the member has, as people name them ("authenticator app", "security key"). */
  methods: string[];
};

/** The user list's per-member server actions, handed down from the page; each names the page's account. */
export type MemberActions = {
  setRole: ServerAction<{ accountId: string; membershipId: string; role: string }>;
  resetTwoFactor: ServerAction<{ accountId: string; membershipId: string; proof?: Proof }>;
  remove: ServerAction<{ accountId: string; membershipId: string }>;
  confirmKeyOptions: ConfirmKeyOptions;
  /** Role changes and removals need the password lately in the admin's session. */
  confirmPassword: ConfirmPassword;
};

const RESET_EFFECT =
  "Their authenticator and recovery codes stop working and they are signed out everywhere. If this account enforces 2FA, they set it up again at their next sign-in. They will be emailed. If they also belong to an account you don't manage, the reset is refused.";

export function MemberRow({
  actions,
  accountId,
  member,
  isSelf,
  actorRole,
  confirmKinds,
}: {
  actions: MemberActions;
  /** The account the page showed: the one the admin acts in, whatever another tab switched to. */
  accountId: string;
  member: Member;
  isSelf: boolean;
  actorRole: Member["role"];
  /** What the admin confirms a Reset 2FA with: their own factors (none: the server says to add one). */
  confirmKinds: FactorKind[];
}) {
  const router = useRouter();
  const roleId = useId();
  const [confirm, setConfirm] = useState<"none" | "reset" | "remove">("none");
  const [error, setError] = useState<string>();
  const mayTouch = member.role !== "owner" || actorRole === "owner";
  const { guard, inDialog, prompt } = usePasswordAgain(actions.confirmPassword, "change who manages this account");
  const done = (result: ActionState<unknown>) => {
    setError(result.ok ? undefined : result.error);
    if (result.ok) router.refresh();
    return result;
  };
  // A refusal inside a dialog is shown there (once), with what to do instead.
  const confirmed = (result: ActionState<unknown>) => {
    if (result.ok) router.refresh();
    return result;
  };
  return (
    <tr className="border-b border-slate-100 align-middle">
      <td className="py-2 pr-2">
        <Shield on={member.twoFactor} methods={member.methods} />
      </td>
      <td className="py-2 pr-2 font-medium">{member.name}</td>
      <td className="py-2 pr-2">{member.email}</td>
      <td className="py-2 pr-2">
        <label htmlFor={roleId} className="sr-only">
          Role of {member.name}
        </label>
        <select
          id={roleId}
          value={member.role}
          disabled={!mayTouch}
          onChange={(e) => {
            const role = e.target.value;
            void guard(() => actions.setRole({ accountId, membershipId: member.membershipId, role }), done);
          }}
          className="rounded-md border border-slate-300 bg-white px-2 py-1 disabled:bg-slate-100"
        >
          {(actorRole === "owner" || member.role === "owner" ? ["owner", "admin", "member"] : ["admin", "member"]).map(
            (r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ),
          )}
        </select>
      </td>
      <td className="py-2">
        <div className="flex flex-wrap gap-2">
          {member.twoFactor && !isSelf && mayTouch && (
            <Button variant="secondary" onClick={() => setConfirm("reset")} aria-label={`Reset 2FA for ${member.name}`}>
              Reset 2FA
            </Button>
          )}
          {mayTouch && !isSelf && (
            <Button variant="secondary" onClick={() => setConfirm("remove")} aria-label={`Remove ${member.name}`}>
              Remove
            </Button>
          )}
        </div>
        {error && <Alert tone="error">{error}</Alert>}
        {confirm === "reset" && confirmKinds.length > 0 ? (
          <CodeConfirmDialog
            title={`Reset two-factor authentication for ${member.name}?`}
            description={`${RESET_EFFECT} Confirm with a second factor of your own.`}
            submitLabel="Reset 2FA"
            action={async (proof) =>
              confirmed(await actions.resetTwoFactor({ accountId, membershipId: member.membershipId, proof }))
            }
            kinds={confirmKinds}
            options={confirmOptionsFrom(actions.confirmKeyOptions)}
            onClose={() => setConfirm("none")}
          />
        ) : (
          <ConfirmDialog
            open={confirm === "reset"}
            title={`Reset two-factor authentication for ${member.name}?`}
            description={RESET_EFFECT}
            confirmLabel="Reset 2FA"
            onCancel={() => setConfirm("none")}
            onConfirm={async () =>
              confirmed(await actions.resetTwoFactor({ accountId, membershipId: member.membershipId }))
            }
          />
        )}
        <ConfirmDialog
          open={confirm === "remove"}
          title={`Remove ${member.name} from this account?`}
          description="They lose access to this account. Their user and other accounts stay as they are."
          confirmLabel="Remove"
          onCancel={() => setConfirm("none")}
          onConfirm={() =>
            inDialog(() => actions.remove({ accountId, membershipId: member.membershipId }), confirmed, done)
          }
        />
        {prompt}
      </td>
    </tr>
  );
}
