"use client";
import { QRCodeSVG } from "qrcode.react";
import { useState } from "react";
import { FormMessage } from "@/components/ui/alert";
import { FormActions } from "@/components/ui/form-actions";
import type { ActionState } from "@/lib/action";
import { groupSecret } from "@/lib/two-factor/group-secret";
import { CodeField } from "./code-field";
import { CopyButton } from "./copy-button";

export function ScanStep({
  secret,
  uri,
  onEnable,
  onCancel,
}: {
  secret: string;
  uri: string;
  onEnable: (code: string) => Promise<ActionState<unknown>>;
  onCancel: () => void;
}) {
  const [state, setState] = useState<ActionState<unknown>>({});
  const [pending, setPending] = useState(false);
  const grouped = groupSecret(secret);

  async function submit(formData: FormData) {
    setPending(true);
    const result = await onEnable(String(formData.get("code") ?? ""));
    if (!result.ok) setState(result);
    setPending(false);
  }

  return (
    <form action={submit} className="flex flex-col gap-4" noValidate>
      <div className="flex justify-center">
        <div className="rounded-md border border-slate-200 bg-white p-3">
          <QRCodeSVG
            value={uri}
            size={176}
            level="M"
            marginSize={1}
            role="img"
            aria-label="QR code for your authenticator app"
          />
        </div>
      </div>
      <div>
        <p className="text-sm font-medium" id="secret-key-label">
          Secret Key
        </p>
        <div className="mt-1 flex flex-wrap items-center gap-2">
          <code
            aria-labelledby="secret-key-label"
            data-testid="secret-key"
            className="rounded bg-slate-100 px-2 py-1 font-mono text-sm tracking-wide"
          >
            {grouped}
          </code>
          <CopyButton text={secret} label="Copy Secret Key" />
        </div>
        <p className="mt-1 text-xs text-slate-600">Time-based, 6 digits, every 30 seconds.</p>
      </div>
      <CodeField label="6-digit code from the app" name="code" errors={state.fieldErrors?.code} autoFocus />
      <FormMessage error={state.fieldErrors ? undefined : state.error} />
      <FormActions submitLabel="Enable" onCancel={onCancel} pending={pending} />
    </form>
  );
}
