-- AlterTable
ALTER TABLE "EmailMessage" ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "claimToken" TEXT,
ADD COLUMN     "claimedUntil" TIMESTAMPTZ(3),
ADD COLUMN     "nextAttemptAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "sentAt" TIMESTAMPTZ(3),
ALTER COLUMN "status" SET DEFAULT 'queued';

-- CreateIndex
CREATE INDEX "EmailMessage_status_nextAttemptAt_idx" ON "EmailMessage"("status", "nextAttemptAt");


-- Rows from before the outbox were sent inline (or kept for the development mailbox, "outbox").
UPDATE "EmailMessage" SET "status" = 'sent' WHERE "status" = 'outbox';
UPDATE "EmailMessage" SET "sentAt" = "createdAt", "attempts" = 1 WHERE "status" IN ('sent', 'dropped');
UPDATE "EmailMessage" SET "attempts" = 1 WHERE "status" = 'failed';
