-- AlterTable
ALTER TABLE "StepRun" ADD COLUMN     "guard" TEXT;
