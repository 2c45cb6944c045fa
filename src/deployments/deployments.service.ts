import { Prisma, type DeploymentTrigger, type PrismaClient } from '@prisma/client';
import { ConflictError, InputError, NotFoundError } from '../common/errors.js';
import type { EnvironmentsService } from '../environments/environments.service.js';
import type { RunbookCatalog } from '../runbooks/catalog.js';
import { planDeployment, PlanError } from '../runbooks/plan.js';
import { maskSecrets } from '../runbooks/secrets.js';
import type { DeploymentCoordinator } from '../workers/deployment-coordinator.js';
import type { DeploymentSignals } from '../infra/signals/deployment-signals.js';

export interface CreateDeploymentInput {
  environment: string;
  runbook?: string;
  /** Default: every phase of the runbook. */
  phases?: string[];
  dryRun?: boolean;
  trigger: DeploymentTrigger;
  requester: string;
}

const withPhases = {
  environment: { select: { name: true } },
  phaseRuns: { orderBy: { position: 'asc' as const } },
} satisfies Prisma.DeploymentInclude;

/**
 * Creating a deployment checks everything first (environment, inventory, secrets, phases,
 * dependencies, every template) and writes nothing when anything is wrong; then it records
 * the whole ledger (phase runs, step runs) and lets the coordinator start the first phases.
 */
export class DeploymentsService {
  constructor(
    private readonly db: PrismaClient,
    private readonly environments: EnvironmentsService,
    private readonly coordinator: DeploymentCoordinator,
    private readonly signals: DeploymentSignals,
    private readonly catalog: RunbookCatalog,
  ) {}

  async create(input: CreateDeploymentInput) {
    const runbook = this.catalog.get(input.runbook ?? 'openstack-liberty');
    if (!runbook) throw new InputError([`runbook: "${input.runbook}" is not one of ${[...this.catalog.keys()].join(', ')}`]);
    const environment = await this.environments.loadForDeployment({ name: input.environment }).catch((error) => {
      throw error instanceof NotFoundError ? new InputError([`environment: ${error.message}`]) : error;
    });
    let plan;
    try {
      plan = planDeployment(runbook, environment.inventory, environment.secrets, input.phases);
    } catch (error) {
      if (error instanceof PlanError) throw new InputError(error.reasons);
      throw error;
    }
    const mask = (text: string) => maskSecrets(text, environment.secrets);

    let deploymentId: string;
    try {
      deploymentId = await this.db.$transaction(async (tx) => {
        const deployment = await tx.deployment.create({
          data: {
            environmentId: environment.id,
            activeEnvironmentId: environment.id,
            runbookKey: runbook.key,
            runbookVersion: runbook.version,
            phases: plan.phases.map((p) => p.phase.key),
            trigger: input.trigger,
            requester: input.requester,
            dryRun: input.dryRun ?? false,
          },
        });
        for (const [position, phasePlan] of plan.phases.entries()) {
          const phaseRun = await tx.phaseRun.create({ data: { deploymentId: deployment.id, phaseKey: phasePlan.phase.key, position } });
          await tx.stepRun.createMany({
            data: phasePlan.steps.map((step) => ({
              deploymentId: deployment.id,
              phaseRunId: phaseRun.id,
              storyKey: step.storyKey,
              stepKey: step.key,
              position: step.position,
              node: step.node,
              kind: step.kind,
              title: step.title,
              command: step.run ? mask(step.run) : null,
            })),
          });
        }
        await tx.auditEvent.create({
          data: {
            actor: input.requester,
            action: 'deployment.create',
            target: deployment.id,
            detail: { environment: environment.name, trigger: input.trigger, phases: deployment.phases, dryRun: deployment.dryRun },
          },
        });
        return deployment.id;
      });
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        throw new ConflictError(await this.activeConflictMessage(environment.id, environment.name));
      }
      throw error;
    }
    await this.coordinator.advance(deploymentId);
    return this.get(deploymentId);
  }

  async list(filter: { environment?: string; status?: string; limit?: number } = {}) {
    return this.db.deployment.findMany({
      where: {
        ...(filter.environment ? { environment: { name: filter.environment } } : {}),
        ...(filter.status ? { status: filter.status as never } : {}),
      },
      include: withPhases,
      orderBy: { createdAt: 'desc' },
      take: Math.min(filter.limit ?? 50, 500),
    });
  }

  /** A deployment with its phases and every step's status (outputs are fetched per step). */
  async get(id: string) {
    const deployment = await this.db.deployment.findUnique({
      where: { id },
      include: {
        ...withPhases,
        stepRuns: {
          orderBy: [{ phaseRunId: 'asc' }, { node: 'asc' }, { position: 'asc' }],
          select: {
            id: true,
            phaseRunId: true,
            storyKey: true,
            stepKey: true,
            node: true,
            kind: true,
            title: true,
            status: true,
            exitCode: true,
            attempt: true,
            startedAt: true,
            finishedAt: true,
            durationMs: true,
          },
        },
      },
    });
    if (!deployment) throw new NotFoundError(`deployment ${id} does not exist`);
    const { stepRuns, phaseRuns, ...rest } = deployment;
    return {
      ...rest,
      environment: deployment.environment.name,
      phaseRuns: phaseRuns.map((phase) => ({ ...phase, steps: stepRuns.filter((s) => s.phaseRunId === phase.id) })),
    };
  }

  async stepOutput(deploymentId: string, stepRunId: string) {
    const step = await this.db.stepRun.findFirst({ where: { id: stepRunId, deploymentId }, include: { artifacts: true } });
    if (!step) throw new NotFoundError(`step run ${stepRunId} of deployment ${deploymentId} does not exist`);
    return step;
  }

  /** Stops running steps within seconds (the worker kills the remote process) and starts nothing new. */
  async cancel(id: string, actor: string) {
    const updated = await this.db.deployment.updateMany({
      where: { id, status: { in: ['queued', 'running'] } },
      data: { status: 'cancelled' },
    });
    if (updated.count === 0) {
      const existing = await this.db.deployment.findUnique({ where: { id } });
      if (!existing) throw new NotFoundError(`deployment ${id} does not exist`);
      throw new ConflictError(`deployment ${id} is ${existing.status}; only a queued or running deployment can be cancelled`);
    }
    await this.db.auditEvent.create({ data: { actor, action: 'deployment.cancel', target: id } });
    await this.signals.requestCancel(id);
    await this.coordinator.advance(id);
    return this.get(id);
  }

  /** Resumes a failed or cancelled deployment from where it stopped; finished steps are not run again. */
  async retry(id: string, actor: string) {
    const existing = await this.db.deployment.findUnique({ where: { id }, include: { environment: { select: { name: true } } } });
    if (!existing) throw new NotFoundError(`deployment ${id} does not exist`);
    if (existing.status !== 'failed' && existing.status !== 'cancelled') {
      throw new ConflictError(`deployment ${id} is ${existing.status}; only a failed or cancelled deployment can be retried`);
    }
    try {
      await this.db.$transaction([
        this.db.deployment.update({
          where: { id },
          data: { status: 'queued', error: null, finishedAt: null, activeEnvironmentId: existing.environmentId },
        }),
        this.db.phaseRun.updateMany({
          where: { deploymentId: id, status: { in: ['failed', 'cancelled', 'running', 'skipped'] } },
          data: { status: 'pending', attempt: { increment: 1 }, finishedAt: null, error: null },
        }),
        this.db.stepRun.updateMany({
          where: { deploymentId: id, status: { in: ['failed', 'cancelled', 'running'] } },
          data: { status: 'pending' },
        }),
        this.db.auditEvent.create({ data: { actor, action: 'deployment.retry', target: id } }),
      ]);
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        throw new ConflictError(await this.activeConflictMessage(existing.environmentId, existing.environment.name));
      }
      throw error;
    }
    await this.coordinator.advance(id);
    return this.get(id);
  }

  private async activeConflictMessage(environmentId: string, name: string): Promise<string> {
    const active = await this.db.deployment.findUnique({ where: { activeEnvironmentId: environmentId } });
    return `environment ${name} already has an active deployment${active ? ` (${active.id}, ${active.status})` : ''}; wait for it or cancel it`;
  }
}
