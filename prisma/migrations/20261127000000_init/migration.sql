-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "NodeRole" AS ENUM ('controller', 'compute');

-- CreateEnum
CREATE TYPE "DeploymentStatus" AS ENUM ('queued', 'running', 'succeeded', 'failed', 'cancelled');

-- CreateEnum
CREATE TYPE "DeploymentTrigger" AS ENUM ('api', 'jira_webhook', 'jira_poll', 'schedule', 'demo');

-- CreateEnum
CREATE TYPE "PhaseRunStatus" AS ENUM ('pending', 'running', 'succeeded', 'failed', 'cancelled', 'skipped');

-- CreateEnum
CREATE TYPE "StepRunStatus" AS ENUM ('pending', 'running', 'ok', 'changed', 'would_change', 'failed', 'cancelled');

-- CreateEnum
CREATE TYPE "ArtifactKind" AS ENUM ('rendered_file', 'verification_table', 'command_output');

-- CreateEnum
CREATE TYPE "ApiRole" AS ENUM ('viewer', 'operator', 'admin');

-- CreateTable
CREATE TABLE "Environment" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "network" JSONB NOT NULL,
    "trustOnFirstUse" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Environment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Node" (
    "id" TEXT NOT NULL,
    "environmentId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "roles" "NodeRole"[],
    "managementIp" TEXT NOT NULL,
    "providerInterface" TEXT NOT NULL,
    "sshHost" TEXT NOT NULL,
    "sshPort" INTEGER NOT NULL DEFAULT 22,
    "sshUser" TEXT NOT NULL DEFAULT 'root',
    "hostKeyFingerprint" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Node_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Secret" (
    "id" TEXT NOT NULL,
    "environmentId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "ciphertext" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Secret_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Deployment" (
    "id" TEXT NOT NULL,
    "environmentId" TEXT NOT NULL,
    "activeEnvironmentId" TEXT,
    "runbookKey" TEXT NOT NULL,
    "runbookVersion" TEXT NOT NULL,
    "phases" TEXT[],
    "trigger" "DeploymentTrigger" NOT NULL,
    "requester" TEXT NOT NULL,
    "dryRun" BOOLEAN NOT NULL DEFAULT false,
    "status" "DeploymentStatus" NOT NULL DEFAULT 'queued',
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Deployment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PhaseRun" (
    "id" TEXT NOT NULL,
    "deploymentId" TEXT NOT NULL,
    "phaseKey" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "status" "PhaseRunStatus" NOT NULL DEFAULT 'pending',
    "attempt" INTEGER NOT NULL DEFAULT 0,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "error" TEXT,

    CONSTRAINT "PhaseRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StepRun" (
    "id" TEXT NOT NULL,
    "deploymentId" TEXT NOT NULL,
    "phaseRunId" TEXT NOT NULL,
    "storyKey" TEXT NOT NULL,
    "stepKey" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "node" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "command" TEXT,
    "status" "StepRunStatus" NOT NULL DEFAULT 'pending',
    "exitCode" INTEGER,
    "stdout" TEXT,
    "stderr" TEXT,
    "attempt" INTEGER NOT NULL DEFAULT 0,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "durationMs" INTEGER,

    CONSTRAINT "StepRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Artifact" (
    "id" TEXT NOT NULL,
    "deploymentId" TEXT NOT NULL,
    "stepRunId" TEXT,
    "phaseKey" TEXT NOT NULL,
    "node" TEXT NOT NULL,
    "kind" "ArtifactKind" NOT NULL,
    "name" TEXT NOT NULL,
    "language" TEXT,
    "content" TEXT NOT NULL,
    "data" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Artifact_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "JiraLink" (
    "id" TEXT NOT NULL,
    "environmentId" TEXT NOT NULL,
    "runbookKey" TEXT NOT NULL,
    "entityKey" TEXT NOT NULL,
    "entityType" TEXT NOT NULL,
    "issueKey" TEXT NOT NULL,
    "issueId" TEXT NOT NULL,
    "status" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "JiraLink_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ConfluencePage" (
    "id" TEXT NOT NULL,
    "environmentId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "pageId" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "contentHash" TEXT NOT NULL,
    "publishedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ConfluencePage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookDelivery" (
    "id" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "deliveryKey" TEXT NOT NULL,
    "event" TEXT,
    "outcome" TEXT NOT NULL,
    "detail" JSONB,
    "deploymentId" TEXT,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WebhookDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target" TEXT,
    "detail" JSONB,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiToken" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "role" "ApiRole" NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "ApiToken_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Environment_name_key" ON "Environment"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Node_environmentId_name_key" ON "Node"("environmentId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "Secret_environmentId_name_key" ON "Secret"("environmentId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "Deployment_activeEnvironmentId_key" ON "Deployment"("activeEnvironmentId");

-- CreateIndex
CREATE INDEX "Deployment_environmentId_createdAt_idx" ON "Deployment"("environmentId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "PhaseRun_deploymentId_phaseKey_key" ON "PhaseRun"("deploymentId", "phaseKey");

-- CreateIndex
CREATE INDEX "StepRun_deploymentId_status_idx" ON "StepRun"("deploymentId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "StepRun_phaseRunId_node_stepKey_key" ON "StepRun"("phaseRunId", "node", "stepKey");

-- CreateIndex
CREATE INDEX "Artifact_deploymentId_phaseKey_idx" ON "Artifact"("deploymentId", "phaseKey");

-- CreateIndex
CREATE INDEX "JiraLink_issueKey_idx" ON "JiraLink"("issueKey");

-- CreateIndex
CREATE UNIQUE INDEX "JiraLink_environmentId_runbookKey_entityKey_key" ON "JiraLink"("environmentId", "runbookKey", "entityKey");

-- CreateIndex
CREATE UNIQUE INDEX "ConfluencePage_environmentId_key_key" ON "ConfluencePage"("environmentId", "key");

-- CreateIndex
CREATE UNIQUE INDEX "WebhookDelivery_deliveryKey_key" ON "WebhookDelivery"("deliveryKey");

-- CreateIndex
CREATE INDEX "AuditEvent_at_idx" ON "AuditEvent"("at");

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_tokenHash_key" ON "ApiToken"("tokenHash");

-- AddForeignKey
ALTER TABLE "Node" ADD CONSTRAINT "Node_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Secret" ADD CONSTRAINT "Secret_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Deployment" ADD CONSTRAINT "Deployment_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PhaseRun" ADD CONSTRAINT "PhaseRun_deploymentId_fkey" FOREIGN KEY ("deploymentId") REFERENCES "Deployment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StepRun" ADD CONSTRAINT "StepRun_deploymentId_fkey" FOREIGN KEY ("deploymentId") REFERENCES "Deployment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StepRun" ADD CONSTRAINT "StepRun_phaseRunId_fkey" FOREIGN KEY ("phaseRunId") REFERENCES "PhaseRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Artifact" ADD CONSTRAINT "Artifact_deploymentId_fkey" FOREIGN KEY ("deploymentId") REFERENCES "Deployment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Artifact" ADD CONSTRAINT "Artifact_stepRunId_fkey" FOREIGN KEY ("stepRunId") REFERENCES "StepRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "JiraLink" ADD CONSTRAINT "JiraLink_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConfluencePage" ADD CONSTRAINT "ConfluencePage_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

