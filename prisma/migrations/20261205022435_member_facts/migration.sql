-- All the tables this migration changes, locked at the start and in one order, so that it waits for
-- transactions in flight instead of meeting one halfway (a key registration that locked a user, say).
-- Until it commits, memberships are not read and users and keys are not written (docs/deploy.md).
LOCK TABLE "Membership" IN ACCESS EXCLUSIVE MODE;
-- The app connects with plan_cache_mode=force_custom_plan (lib/db/connection.ts), which would plan the
-- facts function again for each of the rows below: 85 s instead of 20 s for a million memberships.
SET LOCAL plan_cache_mode = auto;
LOCK TABLE "User", "WebAuthnCredential" IN SHARE ROW EXCLUSIVE MODE;

-- AlterTable
ALTER TABLE "Membership" ADD COLUMN     "hasSecondFactor" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "nameKey" TEXT NOT NULL DEFAULT '';

-- Raw SQL, which the Prisma schema cannot express: the functions and triggers that keep the two
-- copies, and expression indexes, which the schema engine leaves alone.
--
-- The facts a membership copies from its user. "Has a second factor" is the rule of
-- lib/two-factor/second-factor.ts (an authenticator app or a security key),
-- and tests/integration/member-facts.test.ts fails if the two part.
CREATE FUNCTION "twofold_member_facts"(user_id TEXT, OUT name_key TEXT, OUT has_second_factor BOOLEAN)
LANGUAGE sql STABLE AS $$
  SELECT lower(u."name"),
    u."totpEnabledAt" IS NOT NULL OR EXISTS (SELECT 1 FROM "WebAuthnCredential" w WHERE w."userId" = u."id")
  FROM "User" u WHERE u."id" = user_id
$$;

-- Reading what a concurrent change committed, after waiting for it, needs a snapshot per statement.
-- Under REPEATABLE READ or SERIALIZABLE the copies could miss such a change, so they refuse instead.
CREATE FUNCTION "twofold_needs_read_committed"() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    RAISE EXCEPTION 'Twofold keeps its membership facts in READ COMMITTED transactions, and this one is %',
      current_setting('transaction_isolation')
      USING HINT = 'Leave default_transaction_isolation at read committed for the Twofold database.';
  END IF;
END
$$;

-- A new membership (or one written from outside) takes its user's facts. It first waits for any
-- change of the user's factors in flight (they lock the user row), and then reads in a statement of
-- its own, which sees that change once committed: so neither side can miss the other.
CREATE FUNCTION "twofold_membership_takes_facts"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  facts RECORD;
BEGIN
  PERFORM "twofold_needs_read_committed"();
  PERFORM 1 FROM "User" WHERE "id" = NEW."userId" FOR SHARE;
  SELECT * INTO facts FROM "twofold_member_facts"(NEW."userId");
  NEW."nameKey" := coalesce(facts.name_key, '');
  NEW."hasSecondFactor" := coalesce(facts.has_second_factor, false);
  RETURN NEW;
END
$$;

-- A user whose name or factors changed passes the facts on to their memberships. The user row is
-- locked first, so two changes of one user (an app turned off while a key is added) take turns and
-- the second reads what the first committed. Then the memberships, in id order as an admin's reset
-- locks them (lib/accounts/members.ts): in the order of a scan the two could deadlock.
CREATE FUNCTION "twofold_refresh_memberships"(user_id TEXT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "twofold_needs_read_committed"();
  PERFORM 1 FROM "User" WHERE "id" = user_id FOR NO KEY UPDATE;
  PERFORM 1 FROM "Membership" WHERE "userId" = user_id ORDER BY "id" FOR NO KEY UPDATE;
  UPDATE "Membership" m SET "nameKey" = f.name_key, "hasSecondFactor" = f.has_second_factor
  FROM "twofold_member_facts"(user_id) f
  WHERE m."userId" = user_id AND f.name_key IS NOT NULL;
END
$$;

CREATE FUNCTION "twofold_user_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "twofold_refresh_memberships"(NEW."id");
  RETURN NULL;
END
$$;

-- Not on "totpLastStep": the second step writes it with every accepted code.
CREATE TRIGGER "User_passes_facts" AFTER UPDATE OF "name", "totpEnabledAt" ON "User" FOR EACH ROW
WHEN (OLD."name" IS DISTINCT FROM NEW."name" OR (OLD."totpEnabledAt" IS NULL) <> (NEW."totpEnabledAt" IS NULL))
EXECUTE FUNCTION "twofold_user_changed"();

CREATE FUNCTION "twofold_credential_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    PERFORM "twofold_refresh_memberships"(OLD."userId");
  END IF;
  IF TG_OP <> 'DELETE' THEN
    PERFORM "twofold_refresh_memberships"(NEW."userId");
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "WebAuthnCredential_passes_facts" AFTER INSERT OR DELETE OR UPDATE OF "userId"
ON "WebAuthnCredential" FOR EACH ROW EXECUTE FUNCTION "twofold_credential_changed"();

-- The memberships that exist already, in one statement. The triggers on "User" and
-- "WebAuthnCredential" are in place, and their locks hold off any change of a user until this
-- migration commits. The trigger on "Membership" comes after it, so no row pays for a trigger here.
-- The statement rewrites every row: without the three secondary indexes, built again after it, it
-- took 15 s instead of 35 s for a million memberships (docs/deploy.md).
DROP INDEX "Membership_accountId_idx", "Membership_accountId_userId_idx", "Membership_userId_accountId_key";
UPDATE "Membership" m SET ("nameKey", "hasSecondFactor") = (SELECT * FROM "twofold_member_facts"(m."userId"));
CREATE UNIQUE INDEX "Membership_userId_accountId_key" ON "Membership"("userId", "accountId");
CREATE INDEX "Membership_accountId_idx" ON "Membership"("accountId");
CREATE INDEX "Membership_accountId_userId_idx" ON "Membership"("accountId", "userId");

CREATE TRIGGER "Membership_takes_facts" BEFORE INSERT OR UPDATE OF "userId", "nameKey", "hasSecondFactor"
ON "Membership" FOR EACH ROW EXECUTE FUNCTION "twofold_membership_takes_facts"();

-- An account's members without a second factor in name order: one index range, and one range to
-- count them (the key of lib/accounts/member-list.ts, "C"-collated as User_name_key_idx). A partial
-- index, which the schema engine leaves alone.
CREATE INDEX "Membership_without_second_factor_idx" ON "Membership"("accountId", ("nameKey" COLLATE "C"), "userId")
WHERE NOT "hasSecondFactor";
