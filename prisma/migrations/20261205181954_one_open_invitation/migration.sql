-- One open invitation per address and account. Two invitations to one address at once each deleted
-- the older and inserted their own, leaving two links: after joining with one and being removed, a
-- person came back with the other. lib/accounts/invitations.ts now writes invitations under the
-- account's lock; this index makes a second open link impossible whatever the path. The schema
-- engine leaves partial indexes alone.
SET LOCAL lock_timeout = '5s';
-- Holds off invitations written by servers still on the old code between the clean-up and the index.
LOCK TABLE "Invitation" IN SHARE ROW EXCLUSIVE MODE;

-- Rows left by that race: keep each address's open invitation that lasts longest (a resend moves
-- "expiresAt", not "createdAt").
DELETE FROM "Invitation" i
WHERE i."acceptedAt" IS NULL
  AND EXISTS (
    SELECT 1 FROM "Invitation" n
    WHERE n."acceptedAt" IS NULL AND n."accountId" = i."accountId" AND n."email" = i."email"
      AND (n."expiresAt", n."createdAt", n."id") > (i."expiresAt", i."createdAt", i."id")
  );

CREATE UNIQUE INDEX "Invitation_one_open_idx" ON "Invitation"("accountId", "email") WHERE "acceptedAt" IS NULL;

-- Its only reader was the mail-failure report, which now follows the message's own account.
DROP INDEX "Invitation_email_idx";
