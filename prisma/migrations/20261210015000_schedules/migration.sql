-- CreateTable
CREATE TABLE "DeploymentSchedule" (
    "id" TEXT NOT NULL,
    "environmentId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "cron" TEXT NOT NULL,
    "timezone" TEXT NOT NULL,
    "runbookKey" TEXT NOT NULL,
    "phases" TEXT[],
    "dryRun" BOOLEAN NOT NULL DEFAULT false,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DeploymentSchedule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ScheduleRun" (
    "id" TEXT NOT NULL,
    "scheduleKey" TEXT NOT NULL,
    "fireKey" TEXT NOT NULL,
    "firedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    "outcome" TEXT NOT NULL,
    "reason" TEXT,
    "deploymentId" TEXT,
    "detail" JSONB,

    CONSTRAINT "ScheduleRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PhaseDrift" (
    "id" TEXT NOT NULL,
    "environmentId" TEXT NOT NULL,
    "runbookKey" TEXT NOT NULL,
    "phaseKey" TEXT NOT NULL,
    "drifted" BOOLEAN NOT NULL,
    "findings" JSONB NOT NULL,
    "driftedSince" TIMESTAMP(3),
    "checkedAt" TIMESTAMP(3) NOT NULL,
    "checkDeploymentId" TEXT,
    "clearedAt" TIMESTAMP(3),
    "clearedBy" TEXT,

    CONSTRAINT "PhaseDrift_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "DeploymentSchedule_environmentId_name_key" ON "DeploymentSchedule"("environmentId", "name");

-- CreateIndex
CREATE INDEX "ScheduleRun_scheduleKey_firedAt_idx" ON "ScheduleRun"("scheduleKey", "firedAt");

-- CreateIndex
CREATE UNIQUE INDEX "ScheduleRun_scheduleKey_fireKey_key" ON "ScheduleRun"("scheduleKey", "fireKey");

-- CreateIndex
CREATE UNIQUE INDEX "PhaseDrift_environmentId_runbookKey_phaseKey_key" ON "PhaseDrift"("environmentId", "runbookKey", "phaseKey");

-- AddForeignKey
ALTER TABLE "DeploymentSchedule" ADD CONSTRAINT "DeploymentSchedule_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PhaseDrift" ADD CONSTRAINT "PhaseDrift_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

