import Link from "next/link";
import { ForgotPasswordForm } from "@/components/auth/forgot-password-form";
import { askForReset } from "./actions";
import { PageTitle } from "@/components/ui/page-title";

export default function ForgotPasswordPage() {
  return (
    <>
      <PageTitle>Reset your password</PageTitle>
      <h1 className="text-2xl font-semibold">Reset your password</h1>
      <p className="mt-2 text-sm text-slate-600">
        Enter your email and we will send you a link to choose a new password.
      </p>
      <ForgotPasswordForm askForReset={askForReset} />
      <p className="mt-6 text-sm">
        <Link href="/login" className="text-brand-600 underline">
          Back to sign in
        </Link>
      </p>
    </>
  );
}
