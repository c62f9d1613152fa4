-- The remembered device that let a sign-in skip its code (lib/auth/sign-in/open.ts). Such a challenge
-- gives a session only while the device is still trusted: forgotten, or shortened by its account,
-- between the password and the session, it gives none. No foreign key: the check at the exchange
-- reads the device, and a deleted one fails it. Challenges opened before this have no device, and
-- last 5 minutes.
ALTER TABLE "LoginChallenge" ADD COLUMN "deviceId" TEXT;
