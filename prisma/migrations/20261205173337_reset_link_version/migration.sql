-- A reset link is bound to the user's session version when it was sent (lib/auth/password.ts), so a
-- later password change, "sign out everywhere" or 2FA change ends it. Links sent before this
-- migration get -1, which no version equals: they stop working (they last 30 minutes; the user asks
-- for a new one).
ALTER TABLE "PasswordResetToken" ADD COLUMN "userVersion" INTEGER NOT NULL DEFAULT -1;
ALTER TABLE "PasswordResetToken" ALTER COLUMN "userVersion" DROP DEFAULT;
