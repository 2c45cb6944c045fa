-- AlterTable
ALTER TABLE "PhaseRun" ADD COLUMN     "heartbeatAt" TIMESTAMP(3);
