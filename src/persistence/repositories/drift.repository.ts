import { Injectable } from '@nestjs/common';
import type { Prisma } from '@prisma/client';
import { PrismaService } from '../prisma.service.js';
import type { JsonValue, PhaseDriftRecord } from '../records.js';

/** What one check (or run) found for one phase. */
export interface PhaseCheck {
  environmentId: string;
  runbookKey: string;
  phaseKey: string;
  /** Empty: the phase holds. */
  findings: JsonValue[];
  deploymentId: string;
  at: Date;
}

/** The drift state of each phase of each environment (what the drift check found, until a later run passes). */
@Injectable()
export class DriftRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Records a check-mode result for a phase and returns the row before and after: a phase with
   * findings is drifted (since the first check that found it), one without is cleared.
   */
  async recordCheck(check: PhaseCheck): Promise<{ before: PhaseDriftRecord | null; after: PhaseDriftRecord }> {
    return this.prisma.$transaction(async (tx) => {
      const where = {
        environmentId_runbookKey_phaseKey: { environmentId: check.environmentId, runbookKey: check.runbookKey, phaseKey: check.phaseKey },
      };
      const before = await tx.phaseDrift.findUnique({ where });
      const drifted = check.findings.length > 0;
      const data = {
        drifted,
        findings: check.findings as Prisma.InputJsonValue,
        checkedAt: check.at,
        checkDeploymentId: check.deploymentId,
        driftedSince: drifted ? (before?.drifted ? before.driftedSince : check.at) : null,
        ...(drifted ? { clearedAt: null, clearedBy: null } : before?.drifted ? { clearedAt: check.at, clearedBy: check.deploymentId } : {}),
      };
      const after = await tx.phaseDrift.upsert({
        where,
        create: { environmentId: check.environmentId, runbookKey: check.runbookKey, phaseKey: check.phaseKey, ...data },
        update: data,
      });
      return { before, after };
    });
  }

  /** A real run in which these phases succeeded put them right again: their drift is cleared. Returns the cleared phases. */
  async clearAfterRun(environmentId: string, runbookKey: string, phaseKeys: string[], deploymentId: string, at: Date): Promise<string[]> {
    if (phaseKeys.length === 0) return [];
    const drifted = await this.prisma.phaseDrift.findMany({
      where: { environmentId, runbookKey, phaseKey: { in: phaseKeys }, drifted: true },
      select: { phaseKey: true },
    });
    if (drifted.length === 0) return [];
    await this.prisma.phaseDrift.updateMany({
      where: { environmentId, runbookKey, phaseKey: { in: drifted.map((d) => d.phaseKey) }, drifted: true },
      data: { drifted: false, findings: [], driftedSince: null, clearedAt: at, clearedBy: deploymentId },
    });
    return drifted.map((d) => d.phaseKey);
  }

  find(environmentId: string, runbookKey: string, phaseKey: string): Promise<PhaseDriftRecord | null> {
    return this.prisma.phaseDrift.findUnique({ where: { environmentId_runbookKey_phaseKey: { environmentId, runbookKey, phaseKey } } });
  }

  ofEnvironment(environmentId: string): Promise<PhaseDriftRecord[]> {
    return this.prisma.phaseDrift.findMany({ where: { environmentId }, orderBy: [{ runbookKey: 'asc' }, { phaseKey: 'asc' }] });
  }
}
