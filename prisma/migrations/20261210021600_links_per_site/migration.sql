-- DropIndex
DROP INDEX "JiraLink_environmentId_runbookKey_entityKey_key";

-- DropIndex
DROP INDEX "ConfluencePage_environmentId_key_key";

-- AlterTable
ALTER TABLE "JiraLink" ADD COLUMN     "projectKey" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "site" TEXT NOT NULL DEFAULT '';

-- AlterTable
ALTER TABLE "ConfluencePage" ADD COLUMN     "site" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "spaceKey" TEXT NOT NULL DEFAULT '';

-- CreateIndex
CREATE UNIQUE INDEX "JiraLink_environmentId_site_projectKey_runbookKey_entityKey_key" ON "JiraLink"("environmentId", "site", "projectKey", "runbookKey", "entityKey");

-- CreateIndex
CREATE UNIQUE INDEX "ConfluencePage_environmentId_site_spaceKey_key_key" ON "ConfluencePage"("environmentId", "site", "spaceKey", "key");

