-- AlterTable
ALTER TABLE "User" ADD COLUMN     "factorsResetAt" TIMESTAMPTZ(3);
