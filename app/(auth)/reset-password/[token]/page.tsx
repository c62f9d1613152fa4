import type { Metadata } from "next";
import Link from "next/link";
import { Alert } from "@/components/ui/alert";
import { ResetPasswordForm } from "@/components/auth/reset-password-form";
import { resetTokenIsUsable } from "@/lib/auth/password";
import { chooseNewPassword } from "./actions";
import { PageTitle } from "@/components/ui/page-title";

// The link's token must not leak in a Referer to other sites; "no-referrer" would also blank the
// Origin of this page's own server action, which Next then refuses as cross-site.
export const metadata: Metadata = { referrer: "same-origin" };

export default async function ResetPasswordPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const usable = token.length <= 100 && (await resetTokenIsUsable(token));
  return (
    <>
      <PageTitle>Choose a new password</PageTitle>
      <h1 className="text-2xl font-semibold">Choose a new password</h1>
      {usable ? (
        <ResetPasswordForm chooseNewPassword={chooseNewPassword} token={token} />
      ) : (
        <div className="mt-6 flex flex-col gap-4">
          <Alert tone="error">This reset link is invalid, has expired or was already used.</Alert>
          <Link href="/forgot-password" className="text-brand-600 underline">
            Ask for a new link
          </Link>
        </div>
      )}
    </>
  );
}
