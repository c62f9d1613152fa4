"use client";
import Link from "next/link";
import { useEffect, useRef } from "react";

/**
 * Shown after every accepted sign-up, word for word the same whether the address was new or
 * already had an account (its owner was emailed instead): the page must not tell them apart.
 */
export function CheckYourEmail({ email, onRestart }: { email: string; onRestart: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <div className="flex flex-col gap-4">
      <h1 ref={heading} tabIndex={-1} className="text-2xl font-semibold outline-none">
        Check your email
      </h1>
      <p>
        We sent a message to <strong className="break-words">{email}</strong>. Open the link in it within 24 hours and
        enter your password to finish creating your account.
      </p>
      <p className="text-sm text-slate-600">
        If that address already has a Twofold account, the message says so instead, with links to sign in or reset your
        password.
      </p>
      <p className="text-sm text-slate-600">
        No email after a few minutes? Check your spam folder, or{" "}
        <button type="button" onClick={onRestart} className="text-brand-600 underline hover:text-brand-700">
          sign up again
        </button>
        .
      </p>
      <Link href="/login" className="text-sm text-brand-600 underline">
        Back to sign in
      </Link>
    </div>
  );
}
