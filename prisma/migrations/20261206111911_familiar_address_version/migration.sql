-- AlterTable
ALTER TABLE "User" ADD COLUMN     "passwordVersion" INTEGER NOT NULL DEFAULT 0;

-- Familiar addresses move from the session version to the password version: those recorded under the
-- user's current session version stay familiar (every user starts at password version 0), older ones
-- are strangers, as they were.
ALTER TABLE "SignInAddress" RENAME COLUMN "userVersion" TO "passwordVersion";
UPDATE "SignInAddress" AS a
SET "passwordVersion" = CASE WHEN a."passwordVersion" = u."sessionVersion" THEN 0 ELSE -1 END
FROM "User" AS u
WHERE u."id" = a."userId";
