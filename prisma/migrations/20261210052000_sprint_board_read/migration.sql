-- AlterTable
ALTER TABLE "Sprint" ADD COLUMN     "boardReadAt" TIMESTAMP(3);
