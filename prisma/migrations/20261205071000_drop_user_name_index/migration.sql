-- Nothing reads the users' name index since the members list sorts by Membership_name_idx. Dropping
-- it takes "User" whole for a moment: wait at most 5 s for the transactions in flight (a sign-in, a
-- sign-up), not behind a long one with every sign-in queued behind this; `npm run db:migrate` runs a
-- migration that timed out again (lib/db/migrations.ts). Its own migration, so that the one before it
-- (which locks "Membership") and this one never hold both tables at once, in the order opposite to a
-- sign-up's.
SET LOCAL lock_timeout = '5s';
DROP INDEX IF EXISTS "User_name_key_idx";
