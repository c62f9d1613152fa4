-- DropIndex
DROP INDEX "AuditEvent_accountId_createdAt_idx";

-- CreateIndex
CREATE INDEX "AuditEvent_accountId_createdAt_id_idx" ON "AuditEvent"("accountId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "AuditEvent_accountId_type_createdAt_id_idx" ON "AuditEvent"("accountId", "type", "createdAt", "id");

-- CreateIndex
CREATE INDEX "EmailMessage_status_sentAt_idx" ON "EmailMessage"("status", "sentAt");

-- CreateIndex
CREATE INDEX "Invitation_expiresAt_idx" ON "Invitation"("expiresAt");

-- CreateIndex
CREATE INDEX "LoginChallenge_expiresAt_idx" ON "LoginChallenge"("expiresAt");

-- CreateIndex
CREATE INDEX "PasswordResetToken_expiresAt_idx" ON "PasswordResetToken"("expiresAt");

-- CreateIndex
CREATE INDEX "RememberedDevice_expiresAt_idx" ON "RememberedDevice"("expiresAt");

-- CreateIndex
CREATE INDEX "Session_expiresAt_idx" ON "Session"("expiresAt");

-- CreateIndex
CREATE INDEX "WebAuthnCeremony_expiresAt_idx" ON "WebAuthnCeremony"("expiresAt");

-- Raw SQL, which the Prisma schema cannot express and the schema engine leaves alone (expression
-- indexes). The members page orders by the lower-cased name in byte order, then id, and searches
-- by prefix of the name or the email: a LIKE on a prefix is a range scan on a "C"-collated btree whatever the
-- locale of the database. The email is stored lower-cased already: lower() makes it an expression,
-- since the next diff would drop a plain column index that the schema does not list.
-- (No semicolons or quotes in these comments: the PostgreSQL adapter splits the script on them.)
CREATE INDEX "User_name_key_idx" ON "User"((lower("name") COLLATE "C"), "id");
CREATE INDEX "User_email_prefix_idx" ON "User"((lower("email") COLLATE "C"));
