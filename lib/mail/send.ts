import "server-only";
import nodemailer, { type Transporter } from "nodemailer";
import { db } from "@/lib/db";
import { env } from "@/lib/env";

export type Mail = { to: string; subject: string; text: string };

let transport: Transporter | undefined;

/**
 * Sends through SMTP when SMTP_URL is set and keeps a send log (addresses and subjects only: bodies
 * hold sign-in and reset links). Without SMTP_URL, development keeps whole messages for /dev/mailbox.
 * Mail failures are logged, never thrown: a security change must not be undone by a mail server.
 */
export async function sendMail(mail: Mail): Promise<void> {
  const prisma = await db();
  const { smtpUrl, mailFrom, production } = env();
  if (!smtpUrl) {
    await prisma.emailMessage.create({
      data: { ...mail, text: production ? "" : mail.text, status: production ? "dropped" : "outbox" },
    });
    if (production) console.warn(`[mail] SMTP_URL is not set; dropped "${mail.subject}"`);
    return;
  }
  transport ??= nodemailer.createTransport(smtpUrl);
  try {
    await transport.sendMail({ from: mailFrom, to: mail.to, subject: mail.subject, text: mail.text });
    await prisma.emailMessage.create({ data: { to: mail.to, subject: mail.subject, text: "", status: "sent" } });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`[mail] sending "${mail.subject}" failed: ${message}`);
    await prisma.emailMessage.create({ data: { to: mail.to, subject: mail.subject, text: "", status: "failed", error: message.slice(0, 500) } });
  }
}

/** The development mailbox; exists only outside production and without SMTP. */
export function mailboxEnabled(): boolean {
  return !env().production && !env().smtpUrl;
}
