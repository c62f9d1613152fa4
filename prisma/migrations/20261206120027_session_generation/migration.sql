-- AlterTable
ALTER TABLE "Session" ADD COLUMN     "generation" INTEGER NOT NULL DEFAULT 0;
