-- Both builds hold off writes to their table (Invitation, then Membership: the order in which
-- accepting an invitation writes them). Wait at most 5 s for the transactions in flight, not behind a
-- long one with every sign-up queued behind this; `npm run db:migrate` runs a migration that timed out
-- again (lib/db/migrations.ts).
SET LOCAL lock_timeout = '5s';

-- CreateIndex
CREATE INDEX "Invitation_email_idx" ON "Invitation"("email");

-- The owners of an account, for the check that an account keeps one (lib/accounts/members.ts): with
-- only the account's indexes it read every membership of the account (57-78 ms for 100,000 members).
-- Owners are few, so the partial index stays small and only an owner's row is written to it. The
-- schema engine leaves partial indexes alone.
CREATE INDEX "Membership_owners_idx" ON "Membership"("accountId") WHERE "role" = 'owner';
