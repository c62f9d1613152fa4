-- AlterTable
ALTER TABLE "EmailMessage" ADD COLUMN     "broadcastId" TEXT;

-- CreateTable
CREATE TABLE "MailBroadcast" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "audience" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "cursor" TEXT,
    "queued" INTEGER NOT NULL DEFAULT 0,
    "doneAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MailBroadcast_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "MailBroadcast_doneAt_createdAt_idx" ON "MailBroadcast"("doneAt", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "EmailMessage_broadcastId_to_key" ON "EmailMessage"("broadcastId", "to");

-- CreateIndex
CREATE INDEX "Membership_accountId_userId_idx" ON "Membership"("accountId", "userId");

-- AddForeignKey
ALTER TABLE "MailBroadcast" ADD CONSTRAINT "MailBroadcast_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;
