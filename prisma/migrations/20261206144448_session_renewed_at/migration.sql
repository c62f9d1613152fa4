-- AlterTable
ALTER TABLE "Session" ADD COLUMN     "renewedAt" TIMESTAMPTZ(3);
