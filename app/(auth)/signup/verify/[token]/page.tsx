import type { Metadata } from "next";
import Link from "next/link";
import { ConfirmSignupForm } from "@/components/auth/confirm-signup-form";
import { Alert } from "@/components/ui/alert";
import { findPendingSignup } from "@/lib/auth/signup";
import { confirmSignupAction } from "../../actions";
import { PageTitle } from "@/components/ui/page-title";

// The link's token must not leak in a Referer to other sites (see the reset page for why not "no-referrer").
export const metadata: Metadata = { referrer: "same-origin" };

/** Opening the link changes nothing (mail scanners open links too): the form below does. */
export default async function ConfirmSignupPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const pending = token.length <= 100 ? await findPendingSignup(token) : null;
  return (
    <>
      <PageTitle>Confirm your email</PageTitle>
      <h1 className="text-2xl font-semibold">Confirm your email</h1>
      {pending ? (
        <ConfirmSignupForm confirm={confirmSignupAction} token={token} email={pending.email} />
      ) : (
        <div className="mt-6 flex flex-col gap-4">
          <Alert tone="error">This sign-up link is invalid, has expired or was already used.</Alert>
          <p className="text-sm">
            <Link href="/login" className="text-brand-600 underline">
              Sign in
            </Link>{" "}
            if your account is ready, or{" "}
            <Link href="/signup" className="text-brand-600 underline">
              sign up again
            </Link>
            .
          </p>
        </div>
      )}
    </>
  );
}
