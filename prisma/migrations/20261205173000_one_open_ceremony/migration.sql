-- One open key registration (and one key confirmation) per user: options asked for at once each
-- deleted the older ceremony and inserted their own, so parallel requests left several open, each
-- answerable. lib/two-factor/webauthn/ceremony.ts now replaces the open one in a single
-- INSERT … ON CONFLICT on this index. A sign-in's ceremony is one per login challenge
-- ("loginChallengeId" is unique), so it is left out. The schema engine leaves partial indexes alone.
SET LOCAL lock_timeout = '5s';
-- Holds off ceremonies opened by servers still on the old code between the clean-up and the index.
LOCK TABLE "WebAuthnCeremony" IN SHARE ROW EXCLUSIVE MODE;

-- Rows left by that race: keep each user's newest of a kind.
DELETE FROM "WebAuthnCeremony" c
WHERE c."loginChallengeId" IS NULL
  AND EXISTS (
    SELECT 1 FROM "WebAuthnCeremony" n
    WHERE n."loginChallengeId" IS NULL AND n."userId" = c."userId" AND n."purpose" = c."purpose"
      AND (n."createdAt", n."id") > (c."createdAt", c."id")
  );

CREATE UNIQUE INDEX "WebAuthnCeremony_one_open_idx" ON "WebAuthnCeremony"("userId", "purpose")
WHERE "loginChallengeId" IS NULL;
