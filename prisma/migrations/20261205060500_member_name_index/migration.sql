-- An account's members in name order, from the membership's own copy of the name (the key of
-- lib/accounts/member-list.ts; migration 20261205022435_member_facts keeps it): the members list's
-- pages and its name search are one range of this index, whatever the size of "User". The users' name
-- index it replaces (dropped by the next migration, so that this one locks "Membership" only) was a
-- walk through every user's name, probing each one's memberships: 509 users named "Kai…" for 51
-- members of the big account, and for a small account as many for none.
-- Writes to "Membership" wait while it is built (about 1.3 s for a million memberships, docs/deploy.md).
CREATE INDEX "Membership_name_idx" ON "Membership"("accountId", ("nameKey" COLLATE "C"), "userId");
