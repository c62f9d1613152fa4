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

-- A new membership (or one written from outside) takes its user's facts. It first waits for any
-- change of the user's factors in flight (they lock the user row), and then reads in a statement of
-- its own, which sees that change once committed: so neither side can miss the other.
CREATE FUNCTION "twofold_membership_takes_facts"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  facts RECORD;
BEGIN
  PERFORM 1 FROM "User" WHERE "id" = NEW."userId" FOR SHARE;
  SELECT * INTO facts FROM "twofold_member_facts"(NEW."userId");
  NEW."nameKey" := coalesce(facts.name_key, '');
  NEW."hasSecondFactor" := coalesce(facts.has_second_factor, false);
  RETURN NEW;
END
$$;

CREATE TRIGGER "Membership_takes_facts" BEFORE INSERT OR UPDATE OF "userId", "nameKey", "hasSecondFactor"
ON "Membership" FOR EACH ROW EXECUTE FUNCTION "twofold_membership_takes_facts"();

-- A user whose name or factors changed passes the facts on to their memberships. The user row is
-- locked first, so two changes of one user (an app turned off while a key is added) take turns and
-- the second reads what the first committed.
CREATE FUNCTION "twofold_refresh_memberships"(user_id TEXT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM "User" WHERE "id" = user_id FOR NO KEY UPDATE;
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

-- The memberships that exist already.
UPDATE "Membership" m SET "userId" = m."userId";

-- An account's members without a second factor in name order: one index range, and one range to
-- count them (the key of lib/accounts/member-list.ts, "C"-collated as User_name_key_idx). A partial
-- index, which the schema engine leaves alone.
CREATE INDEX "Membership_without_second_factor_idx" ON "Membership"("accountId", ("nameKey" COLLATE "C"), "userId")
WHERE NOT "hasSecondFactor";
