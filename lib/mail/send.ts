import "server-only";
import nodemailer, { type Transporter } from "nodemailer";
import type SMTPPool from "nodemailer/lib/smtp-pool";
import { alsoAfterResponse } from "@/lib/after-response";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { deliverOutbox, queueMail, type Mail, type Transport } from "./outbox";

export type { Mail } from "./outbox";

let smtp: Transporter | undefined;

/**
 * SMTP when SMTP_URL is set. Without it, development keeps whole messages for /dev/mailbox and
 * production records that nothing was sent. Short timeouts: a slow mail server delays a retry, never
 * a user's request (delivery runs after the response).
 */
export function defaultTransport(): Transport {
  const { smtpUrl, mailFrom, production } = env();
  if (!smtpUrl) {
    return production
      ? {
          outcome: "dropped",
          keepBody: false,
          send: async (mail) =>
            void (await log.warn("mail.dropped", { reason: "SMTP_URL is not set", subject: mail.subject })),
        }
      : { outcome: "sent", keepBody: true, send: async () => {} };
  }
  smtp ??= smtpTransporter(smtpUrl);
  return smtpTransport(smtp, mailFrom, !production);
}

export function smtpTransporter(url: string): Transporter {
  return nodemailer.createTransport({
    url,
    pool: true,
    maxConnections: 3,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  } as SMTPPool.Options);
}

export function smtpTransport(transporter: Transporter, from: string, keepBody: boolean): Transport {
  return {
    outcome: "sent",
    keepBody,
    send: async (mail) =>
      void (await transporter.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text })),
  };
}

let running: Promise<unknown> | undefined;
let again = false;

/** One delivery run at a time per process; a request that queues during a run gets one more run. */
export function deliverPendingMail(): Promise<unknown> {
  if (running) {
    again = true;
    return running;
  }
  running = (async () => {
    try {
      do {
        again = false;
        // A failed run keeps the request that queued meanwhile: its mail gets the next run now.
        await deliverOutbox(defaultTransport()).catch((error: unknown) => log.error("mail.delivery_failed", { error }));
      } while (again);
    } finally {
      running = undefined;
    }
  })();
  return running;
}

/**
 * Queues messages in the outbox (inside `tx` when the change that causes them is a transaction) and
 * delivers them after the response, so neither a slow nor a failing mail server holds the request.
 * Messages that fail are retried with backoff (lib/mail/outbox.ts): by the next request's run, the
 * server's timer (instrumentation.ts), or the cron route where a host runs no long-lived process.
 */
export async function sendMail(mail: Mail | Mail[], tx?: Parameters<typeof queueMail>[1]): Promise<void> {
  await queueMail(mail, tx);
  deliverAfterResponse();
}

/** Delivery after the response, for messages a statement queued itself (INSERT INTO "EmailMessage"). */
export function deliverAfterResponse() {
  alsoAfterResponse(deliverPendingMail);
}

/** The development mailbox; exists only outside production and without SMTP. */
export function mailboxEnabled(): boolean {
  return !env().production && !env().smtpUrl;
}
