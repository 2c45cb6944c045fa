-- CreateEnum
CREATE TYPE "SprintState" AS ENUM ('future', 'active', 'closed');

-- CreateEnum
CREATE TYPE "SprintSource" AS ENUM ('jira', 'opsprint');

-- CreateEnum
CREATE TYPE "SprintScopeKind" AS ENUM ('committed', 'added', 'removed');

-- CreateEnum
CREATE TYPE "StoryStatusCategory" AS ENUM ('todo', 'in_progress', 'done', 'blocked');

-- AlterTable
ALTER TABLE "Deployment" ADD COLUMN     "jiraTriggerIssueKey" TEXT,
ADD COLUMN     "jiraTriggeredAt" TIMESTAMP(3),
ADD COLUMN     "sprintId" TEXT;

-- CreateTable
CREATE TABLE "StepAttempt" (
    "id" TEXT NOT NULL,
    "stepRunId" TEXT NOT NULL,
    "deploymentId" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "node" TEXT NOT NULL,
    "status" "StepRunStatus" NOT NULL DEFAULT 'running',
    "exitCode" INTEGER,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),
    "durationMs" INTEGER,
    "firstErrorLine" TEXT,

    CONSTRAINT "StepAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Sprint" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "goal" TEXT,
    "startAt" TIMESTAMP(3) NOT NULL,
    "endAt" TIMESTAMP(3) NOT NULL,
    "completedAt" TIMESTAMP(3),
    "state" "SprintState" NOT NULL DEFAULT 'future',
    "source" "SprintSource" NOT NULL,
    "jiraSprintId" INTEGER,
    "environmentId" TEXT,
    "reviewPageId" TEXT,
    "reviewPageUrl" TEXT,
    "reviewPageVersion" INTEGER,
    "reviewPublishedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Sprint_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SprintScopeChange" (
    "id" TEXT NOT NULL,
    "sprintId" TEXT NOT NULL,
    "kind" "SprintScopeKind" NOT NULL,
    "storyKey" TEXT NOT NULL,
    "epicKey" TEXT,
    "phaseKey" TEXT,
    "runbookStoryKey" TEXT,
    "title" TEXT NOT NULL,
    "storyPoints" DOUBLE PRECISION,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SprintScopeChange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StoryStatusChange" (
    "id" TEXT NOT NULL,
    "storyKey" TEXT NOT NULL,
    "environmentId" TEXT,
    "entityKey" TEXT,
    "category" "StoryStatusCategory" NOT NULL,
    "source" TEXT NOT NULL,
    "deploymentId" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StoryStatusChange_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "StepAttempt_deploymentId_idx" ON "StepAttempt"("deploymentId");

-- CreateIndex
CREATE UNIQUE INDEX "StepAttempt_stepRunId_attempt_key" ON "StepAttempt"("stepRunId", "attempt");

-- CreateIndex
CREATE UNIQUE INDEX "Sprint_jiraSprintId_key" ON "Sprint"("jiraSprintId");

-- CreateIndex
CREATE INDEX "Sprint_state_idx" ON "Sprint"("state");

-- CreateIndex
CREATE INDEX "SprintScopeChange_sprintId_at_idx" ON "SprintScopeChange"("sprintId", "at");

-- CreateIndex
CREATE INDEX "StoryStatusChange_storyKey_at_idx" ON "StoryStatusChange"("storyKey", "at");

-- CreateIndex
CREATE INDEX "StoryStatusChange_environmentId_entityKey_idx" ON "StoryStatusChange"("environmentId", "entityKey");

-- CreateIndex
CREATE INDEX "Deployment_sprintId_idx" ON "Deployment"("sprintId");

-- AddForeignKey
ALTER TABLE "Deployment" ADD CONSTRAINT "Deployment_sprintId_fkey" FOREIGN KEY ("sprintId") REFERENCES "Sprint"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StepAttempt" ADD CONSTRAINT "StepAttempt_stepRunId_fkey" FOREIGN KEY ("stepRunId") REFERENCES "StepRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StepAttempt" ADD CONSTRAINT "StepAttempt_deploymentId_fkey" FOREIGN KEY ("deploymentId") REFERENCES "Deployment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Sprint" ADD CONSTRAINT "Sprint_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SprintScopeChange" ADD CONSTRAINT "SprintScopeChange_sprintId_fkey" FOREIGN KEY ("sprintId") REFERENCES "Sprint"("id") ON DELETE CASCADE ON UPDATE CASCADE;

