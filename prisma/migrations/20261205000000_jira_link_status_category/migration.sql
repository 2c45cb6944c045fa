-- AlterTable
ALTER TABLE "JiraLink" ADD COLUMN     "statusCategory" TEXT;
