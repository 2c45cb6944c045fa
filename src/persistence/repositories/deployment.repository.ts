import { Injectable } from '@nestjs/common';
import type { Prisma } from '@prisma/client';
import { unique } from '../errors.js';
import { ACTIVE_DEPLOYMENT, type DeploymentStatus, type DeploymentTrigger, FINISHED_STEP } from '../ledger-status.js';
import { PrismaService } from '../prisma.service.js';
import type { ArtifactRecord, DeploymentRecord, JsonValue, PhaseRunRecord, StepRunRecord } from '../records.js';

/** A new deployment and its whole ledger, written in one transaction. */
export interface NewDeployment {
  environmentId: string;
  runbookKey: string;
  runbookVersion: string;
  trigger: DeploymentTrigger;
  requester: string;
  dryRun: boolean;
  /** The JIRA transition that asked for it (the start of its lead time). */
  jiraTrigger?: { issueKey: string; transitionedAt: Date } | null;
  phases: {
    phaseKey: string;
    steps: {
      storyKey: string;
      stepKey: string;
      position: number;
      node: string;
      kind: string;
      title: string;
      command: string | null;
      guard: string | null;
    }[];
  }[];
  audit: { actor: string; detail: JsonValue };
}

export type StepSummary = Pick<
  StepRunRecord,
  | 'id'
  | 'phaseRunId'
  | 'storyKey'
  | 'stepKey'
  | 'node'
  | 'kind'
  | 'title'
  | 'status'
  | 'exitCode'
  | 'attempt'
  | 'startedAt'
  | 'finishedAt'
  | 'durationMs'
>;
export type DeploymentWithPhases = DeploymentRecord & { environment: { name: string }; phaseRuns: PhaseRunRecord[] };
export type DeploymentDetail = DeploymentWithPhases & { stepRuns: StepSummary[] };
export type StepOutput = StepRunRecord & { artifacts: ArtifactRecord[] };

/** Creating a deployment writes every step run of its plan in one transaction. */
const CREATE_TRANSACTION = { timeout: 60_000, maxWait: 10_000 };

const withPhases = {
  environment: { select: { name: true } },
  phaseRuns: { orderBy: { position: 'asc' as const } },
} satisfies Prisma.DeploymentInclude;

/** Deployments as the use cases and readers see them: create, list, read, cancel, retry. */
@Injectable()
export class DeploymentRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Throws UniqueViolation when the environment already has an active deployment. */
  async create(input: NewDeployment): Promise<string> {
    return unique('Deployment.activeEnvironmentId', () =>
      this.prisma.$transaction(async (tx) => {
        const deployment = await tx.deployment.create({
          data: {
            environmentId: input.environmentId,
            activeEnvironmentId: input.environmentId,
            runbookKey: input.runbookKey,
            runbookVersion: input.runbookVersion,
            phases: input.phases.map((p) => p.phaseKey),
            trigger: input.trigger,
            requester: input.requester,
            dryRun: input.dryRun,
            jiraTriggerIssueKey: input.jiraTrigger?.issueKey ?? null,
            jiraTriggeredAt: input.jiraTrigger?.transitionedAt ?? null,
          },
        });
        for (const [position, phase] of input.phases.entries()) {
          const phaseRun = await tx.phaseRun.create({ data: { deploymentId: deployment.id, phaseKey: phase.phaseKey, position } });
          await tx.stepRun.createMany({
            data: phase.steps.map((step) => ({ ...step, deploymentId: deployment.id, phaseRunId: phaseRun.id })),
          });
        }
        await tx.auditEvent.create({
          data: {
            actor: input.audit.actor,
            action: 'deployment.create',
            target: deployment.id,
            detail: input.audit.detail as Prisma.InputJsonValue,
          },
        });
        return deployment.id;
        // A step row per node and step: thousands for a lab of 200 computes, more than Prisma's
        // default 5 s for an interactive transaction on a loaded machine (bench group 3 failed so).
      }, CREATE_TRANSACTION),
    );
  }

  list(filter: { environment?: string; status?: DeploymentStatus; limit: number }): Promise<DeploymentWithPhases[]> {
    return this.prisma.deployment.findMany({
      where: {
        ...(filter.environment ? { environment: { name: filter.environment } } : {}),
        ...(filter.status ? { status: filter.status } : {}),
      },
      include: withPhases,
      orderBy: { createdAt: 'desc' },
      take: filter.limit,
    });
  }

  /** A deployment with its phases and every step's status (outputs are read per step). */
  async detail(id: string): Promise<DeploymentDetail | null> {
    // The step summaries (hundreds of rows for a real runbook) as one plain query: through Prisma's
    // relation loading their result mapping was most of the page's CPU (BENCHMARKS.md, group 4).
    const [deployment, stepRuns] = await Promise.all([
      this.prisma.deployment.findUnique({ where: { id }, include: withPhases }),
      this.prisma.$queryRaw<StepSummary[]>`
        SELECT id, "phaseRunId", "storyKey", "stepKey", node, kind, title, status::text AS status, "exitCode", attempt,
          "startedAt", "finishedAt", "durationMs"
        FROM "StepRun" WHERE "deploymentId" = ${id}
        ORDER BY "phaseRunId", node, position`,
    ]);
    return deployment && { ...deployment, stepRuns };
  }

  find(id: string): Promise<(DeploymentRecord & { environment: { name: string } }) | null> {
    return this.prisma.deployment.findUnique({ where: { id }, include: { environment: { select: { name: true } } } });
  }

  /** The status (and failure reason) of several deployments in one query; absent ids were deleted. */
  statuses(ids: readonly string[]): Promise<Pick<DeploymentRecord, 'id' | 'status' | 'error' | 'finishedAt'>[]> {
    return this.prisma.deployment.findMany({
      where: { id: { in: [...ids] } },
      select: { id: true, status: true, error: true, finishedAt: true },
    });
  }

  stepOutput(deploymentId: string, stepRunId: string): Promise<StepOutput | null> {
    return this.prisma.stepRun.findFirst({ where: { id: stepRunId, deploymentId }, include: { artifacts: true } });
  }

  activeOf(environmentId: string): Promise<DeploymentRecord | null> {
    return this.prisma.deployment.findUnique({ where: { activeEnvironmentId: environmentId } });
  }

  /** Marks a queued or running deployment cancelled; false when it was in another state. */
  async cancel(id: string, actor: string): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const updated = await tx.deployment.updateMany({
        where: { id, status: { in: [...ACTIVE_DEPLOYMENT] } },
        data: { status: 'cancelled' },
      });
      if (updated.count === 0) return false;
      await tx.auditEvent.create({ data: { actor, action: 'deployment.cancel', target: id } });
      return true;
    });
  }

  /** The deployment a JIRA transition (issue and time of the move) asked for, if one was created. */
  async findByJiraTrigger(issueKey: string, transitionedAt: Date): Promise<string | null> {
    const row = await this.prisma.deployment.findFirst({
      where: { jiraTriggerIssueKey: issueKey, jiraTriggeredAt: transitionedAt },
      orderBy: { createdAt: 'asc' },
      select: { id: true },
    });
    return row?.id ?? null;
  }

  /** Takes back a deployment that could not be queued (Redis away): its ledger and its audit line go with it. */
  async discard(id: string): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.auditEvent.deleteMany({ where: { target: id, action: 'deployment.create' } }),
      this.prisma.deployment.deleteMany({ where: { id } }),
    ]);
  }

  /** Closes a deployment whose workers are gone for good, freeing its environment. */
  async forceClose(id: string, error: string): Promise<void> {
    await this.prisma.deployment.update({
      where: { id },
      data: { status: 'cancelled', finishedAt: new Date(), activeEnvironmentId: null, error },
    });
  }

  /**
   * Queues a failed or cancelled deployment again: unfinished phases and steps go back to
   * pending, finished ones stay. Throws UniqueViolation when the environment is busy again.
   */
  async reopen(id: string, environmentId: string, actor: string): Promise<void> {
    await unique('Deployment.activeEnvironmentId', () =>
      this.prisma.$transaction([
        this.prisma.deployment.update({
          where: { id },
          data: { status: 'queued', error: null, finishedAt: null, activeEnvironmentId: environmentId },
        }),
        this.prisma.phaseRun.updateMany({
          where: { deploymentId: id, status: { in: ['failed', 'cancelled', 'running', 'skipped'] } },
          data: { status: 'pending', attempt: { increment: 1 }, finishedAt: null, error: null },
        }),
        this.prisma.stepRun.updateMany({
          where: { deploymentId: id, status: { in: ['failed', 'cancelled', 'running'] } },
          data: { status: 'pending' },
        }),
        this.prisma.auditEvent.create({ data: { actor, action: 'deployment.retry', target: id } }),
      ]),
    );
  }

  /** Steps that ran to an end, in the order they finished (for replaying a log). */
  finishedSteps(deploymentId: string): Promise<(StepRunRecord & { phaseRun: { phaseKey: string } })[]> {
    return this.prisma.stepRun.findMany({
      where: { deploymentId, status: { in: [...FINISHED_STEP] } },
      include: { phaseRun: { select: { phaseKey: true } } },
      orderBy: [{ finishedAt: 'asc' }, { position: 'asc' }],
    });
  }

  /**
   * A deployment with everything its runbook pages show: nodes, phases, steps and their evidence;
   * with `phaseKey`, the phases, steps and evidence of that phase only (the rendered files are most of it).
   */
  evidence(id: string, phaseKey?: string) {
    const ofPhase = phaseKey === undefined ? {} : { phaseKey };
    return this.prisma.deployment.findUnique({
      where: { id },
      include: {
        environment: { include: { nodes: { orderBy: { name: 'asc' } } } },
        phaseRuns: { where: ofPhase, orderBy: { position: 'asc' } },
        stepRuns: { where: phaseKey === undefined ? {} : { phaseRun: ofPhase }, orderBy: [{ position: 'asc' }, { node: 'asc' }] },
        artifacts: {
          where: ofPhase,
          include: { stepRun: { select: { storyKey: true, stepKey: true } } },
          orderBy: { createdAt: 'asc' },
        },
      },
    });
  }

  /** Every real (not check-mode) run of every phase in an environment, newest deployment first. */
  phaseHistory(environmentId: string, runbookKey: string) {
    return this.prisma.phaseRun.findMany({
      where: { deployment: { environmentId, runbookKey, dryRun: false } },
      include: { deployment: { select: { createdAt: true } }, stepRuns: { select: { node: true }, distinct: ['node'] } },
      orderBy: { deployment: { createdAt: 'desc' } },
    });
  }

  /** How many deployments are in each status (for /metrics). */
  async countByStatus(): Promise<Record<string, number>> {
    const groups = await this.prisma.deployment.groupBy({ by: ['status'], _count: { _all: true } });
    return Object.fromEntries(groups.map((group) => [group.status, group._count._all]));
  }

  countSteps(deploymentId: string, statuses: readonly StepRunRecord['status'][]): Promise<number> {
    return this.prisma.stepRun.count({ where: { deploymentId, status: { in: [...statuses] } } });
  }
}

export type DeploymentEvidence = NonNullable<Awaited<ReturnType<DeploymentRepository['evidence']>>>;
export type PhaseHistory = Awaited<ReturnType<DeploymentRepository['phaseHistory']>>;
