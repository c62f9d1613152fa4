import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { db } from "@/lib/db";
import { mailboxEnabled } from "@/lib/mail/send";
import { PageTitle } from "@/components/ui/page-title";

export const metadata: Metadata = { robots: { index: false } };

/** Development only: what Twofold would have emailed. 404 in production or when SMTP is set. */
export default async function MailboxPage() {
  if (!mailboxEnabled()) notFound();
  const prisma = await db();
  const mails = await prisma.emailMessage.findMany({ orderBy: { createdAt: "desc" }, take: 50 });
  return (
    <main className="mx-auto max-w-3xl px-4 py-8">
      <PageTitle>Development mailbox</PageTitle>
      <h1 className="text-2xl font-semibold">Development mailbox</h1>
      <p className="mt-1 text-sm text-slate-600">The 50 newest messages. Set SMTP_URL to send real email.</p>
      <ol className="mt-6 flex flex-col gap-4">
        {mails.map((mail) => (
          <li key={mail.id} className="rounded-lg border border-slate-200 bg-white p-4">
            <p className="text-sm text-slate-600">
              To <span data-testid="mail-to">{mail.to}</span> · {mail.createdAt.toISOString()}
            </p>
            <h2 className="mt-1 font-semibold">{mail.subject}</h2>
            <p className="mt-2 whitespace-pre-wrap break-words text-sm">
              {mail.text.split(/(https?:\/\/\S+)/).map((part, i) =>
                /^https?:\/\//.test(part) ? (
                  <a key={i} href={part} className="text-brand-600 underline">
                    {part}
                  </a>
                ) : (
                  part
                ),
              )}
            </p>
          </li>
        ))}
      </ol>
      {mails.length === 0 && <p className="mt-6">No messages yet.</p>}
    </main>
  );
}
