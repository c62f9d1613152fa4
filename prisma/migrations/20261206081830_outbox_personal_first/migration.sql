-- CreateIndex
CREATE INDEX "EmailMessage_status_broadcastId_nextAttemptAt_idx" ON "EmailMessage"("status", "broadcastId", "nextAttemptAt");
