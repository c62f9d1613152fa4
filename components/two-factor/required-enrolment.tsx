"use client";
import dynamic from "next/dynamic";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { SignOutButton } from "@/components/shell/sign-out-button";
import { Button } from "@/components/ui/button";
import type { EnrolmentActions } from "./enrolment-dialog";

// The dialog brings the QR code and WebAuthn's browser code: fetched when it opens (at once here).
const EnrolmentDialog = dynamic(() => import("./enrolment-dialog").then((m) => m.EnrolmentDialog), { ssr: false });

/**
 * A signed-in user who must enrol before anything else: the enrolment dialog, the recovery codes, then
 * into the app. Enabling re-issues the session cookie, and Next then renders this page again with
 * `required` false: the dialog (this component's state) stays open until the codes are saved.
 */
export function RequiredEnrolment({
  actions,
  email,
  accounts,
  required,
}: {
  actions: EnrolmentActions;
  email: string;
  accounts: string[];
  required: boolean;
}) {
  const router = useRouter();
  const [open, setOpen] = useState(required);
  useEffect(() => {
    if (!required && !open) router.replace("/profile");
  }, [required, open, router]);
  if (!required && !open) {
    return (
      <p role="status">
        Two-factor authentication is on.{" "}
        <Link href="/profile" className="text-brand-600 underline">
          Continue to your profile
        </Link>
      </p>
    );
  }
  const reason = `${accounts.join(", ")} now requires two-factor authentication. Set it up to continue.`;
  return (
    <>
      <h1 className="text-2xl font-semibold">Set up two-factor authentication</h1>
      <p className="mt-2 text-sm text-slate-600">{reason} Until then you can only sign out.</p>
      <div className="mt-6 flex flex-wrap gap-3">
        <Button onClick={() => setOpen(true)}>Set it up now</Button>
        <SignOutButton />
      </div>
      {open && (
        <EnrolmentDialog
          email={email}
          actions={actions}
          reason={reason}
          onCancel={() => setOpen(false)}
          onDone={() => setOpen(false)}
        />
      )}
    </>
  );
}
