-- CreateIndex
CREATE INDEX "Artifact_stepRunId_idx" ON "Artifact"("stepRunId");

