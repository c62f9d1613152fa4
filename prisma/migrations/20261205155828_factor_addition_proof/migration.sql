-- AlterTable
ALTER TABLE "TotpEnrolment" ADD COLUMN     "confirmedWith" TEXT,
ADD COLUMN     "userVersion" INTEGER;

-- AlterTable
ALTER TABLE "WebAuthnCeremony" ADD COLUMN     "confirmedWith" TEXT,
ADD COLUMN     "userVersion" INTEGER;
