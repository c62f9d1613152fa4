-- AlterTable
ALTER TABLE "TotpEnrolment" ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0;
