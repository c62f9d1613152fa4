-- CreateIndex
CREATE INDEX "Invitation_email_idx" ON "Invitation"("email");

-- The owners of an account, for the check that an account keeps one (lib/accounts/members.ts): with
-- only the account's indexes it read every membership of the account (78 ms for 100,000 members).
-- Owners are few, so a partial index stays small and costs the other memberships' writes nothing. The
-- schema engine leaves partial indexes alone.
CREATE INDEX "Membership_owners_idx" ON "Membership"("accountId") WHERE "role" = 'owner';
