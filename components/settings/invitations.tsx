"use client";
import { useRouter } from "next/navigation";
import { useActionState, useEffect, useId, useState } from "react";
import { usePasswordAgain, type ConfirmPassword } from "@/components/auth/password-again";
import { Alert, FormMessage } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import type { FormAction, ServerAction } from "@/lib/action";
import { ErrorCode } from "@/lib/errors";

export function InviteForm({
  invite,
  confirmPassword,
  accountId,
  canInviteOwner,
}: {
  invite: FormAction<{ email: string }>;
  /** An admin or owner invitation needs the password lately in the admin's session. */
  confirmPassword: ConfirmPassword;
  /** The account the page showed: the invitation goes there, whatever another tab switched to. */
  accountId: string;
  canInviteOwner: boolean;
}) {
  const router = useRouter();
  const roleId = useId();
  const { ask, prompt } = usePasswordAgain(confirmPassword, "invite someone to manage this account");
  const [state, submit, pending] = useActionState<Awaited<ReturnType<typeof invite>>, FormData>(
    async (previous, data) => {
      const result = await invite(previous, data);
      if (result.code !== ErrorCode.passwordRequired) return result;
      // The form stays as it is, sending, while the password is asked for; then it is sent again.
      const confirmed = await new Promise<boolean>((resolve) =>
        ask(
          () => resolve(true),
          () => resolve(false),
        ),
      );
      return confirmed ? invite(previous, data) : result;
    },
    {},
  );
  useEffect(() => {
    if (state.ok) router.refresh();
  }, [state, router]);
  return (
    <>
      <form action={submit} className="flex flex-col gap-3 sm:max-w-md" noValidate>
        <input type="hidden" name="accountId" value={accountId} />
        <Field label="Email" name="email" type="email" autoComplete="off" required errors={state.fieldErrors?.email} />
        <div className="flex flex-col gap-1">
          <label htmlFor={roleId} className="text-sm font-medium">
            Role
          </label>
          <select
            id={roleId}
            name="role"
            defaultValue="member"
            className="rounded-md border border-slate-300 bg-white px-3 py-2"
          >
            <option value="member">member</option>
            <option value="admin">admin</option>
            {canInviteOwner && <option value="owner">owner</option>}
          </select>
        </div>
        <FormMessage
          error={state.fieldErrors ? undefined : state.error}
          success={state.ok ? `Invitation sent to ${state.data?.email}.` : undefined}
        />
        <Button type="submit" pending={pending} className="self-start">
          Send invitation
        </Button>
      </form>
      {prompt}
    </>
  );
}

type Invitation = { id: string; email: string; role: string; expiresAt: string; invitedBy: string | null };

export function PendingInvitations({
  invitations,
  resend,
  revoke,
  accountId,
  canManageOwnerInvitations,
}: {
  invitations: Invitation[];
  resend: ServerAction<{ accountId: string; invitationId: string }>;
  revoke: ServerAction<{ accountId: string; invitationId: string }>;
  /** The account the page showed (and its invitations belong to). */
  accountId: string;
  /** Only owners may send again or revoke an invitation as owner (lib/accounts/invitations.ts). */
  canManageOwnerInvitations: boolean;
}) {
  const router = useRouter();
  const [message, setMessage] = useState<{ tone: "error" | "success"; text: string }>();
  if (!invitations.length) return <p className="text-sm text-slate-600">No pending invitations.</p>;
  async function act(kind: "resend" | "revoke", invitation: Invitation) {
    const input = { accountId, invitationId: invitation.id };
    const result = kind === "resend" ? await resend(input) : await revoke(input);
    setMessage(
      result.ok
        ? {
            tone: "success",
            text:
              kind === "resend"
                ? `Sent a new link to ${invitation.email}.`
                : `Revoked the invitation for ${invitation.email}.`,
          }
        : { tone: "error", text: result.error ?? "" },
    );
    router.refresh();
  }
  return (
    <>
      {message && <Alert tone={message.tone}>{message.text}</Alert>}
      <ul className="mt-2 flex flex-col divide-y divide-slate-100 text-sm">
        {invitations.map((i) => (
          <li key={i.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
            <span>
              <strong>{i.email}</strong> as {i.role}
              {i.invitedBy && <> · invited by {i.invitedBy}</>} · expires {new Date(i.expiresAt).toUTCString()}
            </span>
            {(i.role !== "owner" || canManageOwnerInvitations) && (
              <span className="flex gap-2">
                <Button
                  variant="secondary"
                  onClick={() => act("resend", i)}
                  aria-label={`Resend invitation to ${i.email}`}
                >
                  Resend
                </Button>
                <Button
                  variant="secondary"
                  onClick={() => act("revoke", i)}
                  aria-label={`Revoke invitation to ${i.email}`}
                >
                  Revoke
                </Button>
              </span>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}
