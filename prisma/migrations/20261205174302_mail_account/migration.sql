-- The account a message is sent for (lib/mail/outbox.ts): a failing invitation is reported to the
-- account that sent it, and no longer every failing email of an address to every account that has
-- invited it. Messages queued before this have none: their failures go to the recipient's accounts.
ALTER TABLE "EmailMessage" ADD COLUMN "accountId" TEXT;
