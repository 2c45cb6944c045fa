import { Injectable } from '@nestjs/common';
import { ConflictError, InputError, NotFoundError, ServiceUnavailableError } from '../common/errors.js';
import { EnvironmentsService } from '../environments/environments.service.js';
import { JobQueue } from '../infra/queue/job-queue.js';
import { DeploymentSignals } from '../infra/signals/deployment-signals.js';
import { UniqueViolation } from '../persistence/errors.js';
import type { DeploymentStatus, DeploymentTrigger } from '../persistence/ledger-status.js';
import { DeploymentRepository } from '../persistence/repositories/deployment.repository.js';
import { RunbookCatalog } from '../runbooks/catalog.js';
import { PlanError, planDeployment } from '../runbooks/plan.js';
import { maskedValues, maskSecrets } from '../runbooks/secrets.js';

export interface CreateDeploymentInput {
  environment: string;
  runbook?: string;
  /** Default: every phase of the runbook. */
  phases?: string[];
  dryRun?: boolean;
  trigger: DeploymentTrigger;
  requester: string;
  /** Set when a JIRA transition asked for it: the issue and when it moved (the start of the lead time). */
  jiraTrigger?: { issueKey: string; transitionedAt: Date };
}

/**
 * Creating a deployment checks everything first (environment, inventory, secrets, phases,
 * dependencies, every template) and writes nothing when anything is wrong; then it records
 * the whole ledger (phase runs, step runs) and asks the engine to start the first phases.
 */
@Injectable()
export class DeploymentsService {
  constructor(
    private readonly deployments: DeploymentRepository,
    private readonly environments: EnvironmentsService,
    private readonly queue: JobQueue,
    private readonly signals: DeploymentSignals,
    private readonly catalog: RunbookCatalog,
  ) {}

  async create(input: CreateDeploymentInput) {
    const runbook = this.catalog.get(input.runbook ?? 'openstack-liberty');
    if (!runbook) throw new InputError([`runbook: "${input.runbook}" is not one of ${[...this.catalog.keys()].join(', ')}`]);
    const environment = await this.environments.loadForDeployment({ name: input.environment }).catch((error) => {
      throw error instanceof NotFoundError ? new InputError([`environment: ${error.message}`]) : error;
    });
    let plan: ReturnType<typeof planDeployment>;
    try {
      plan = planDeployment(runbook, environment.inventory, environment.secrets, input.phases);
    } catch (error) {
      if (error instanceof PlanError) throw new InputError(error.reasons);
      throw error;
    }
    // Redis down: answer 503 now rather than write a row that would hold the environment with no job behind it.
    await this.queue.assertReachable();
    const values = maskedValues(
      environment.secrets,
      plan.phases.flatMap((phasePlan) => phasePlan.steps),
    );
    const mask = (text: string) => maskSecrets(text, values);
    const dryRun = input.dryRun ?? false;
    const phases = plan.phases.map((p) => p.phase.key);

    let deploymentId: string;
    try {
      deploymentId = await this.deployments.create({
        environmentId: environment.id,
        runbookKey: runbook.key,
        runbookVersion: runbook.version,
        trigger: input.trigger,
        requester: input.requester,
        dryRun,
        jiraTrigger: input.jiraTrigger ?? null,
        phases: plan.phases.map((phasePlan) => ({
          phaseKey: phasePlan.phase.key,
          steps: phasePlan.steps.map((step) => ({
            storyKey: step.storyKey,
            stepKey: step.key,
            position: step.position,
            node: step.node,
            kind: step.kind,
            title: step.title,
            command: step.run ? mask(step.run) : null,
            guard: step.guard ? mask(step.guard) : null,
          })),
        })),
        audit: { actor: input.requester, detail: { environment: environment.name, trigger: input.trigger, phases, dryRun } },
      });
    } catch (error) {
      if (error instanceof UniqueViolation) throw new ConflictError(await this.busyMessage(environment.id, environment.name));
      throw error;
    }
    try {
      await this.queue.add('deployments:advance', { deploymentId }, { bounded: true });
    } catch (error) {
      // Redis went away between the check and the add: take the row back, so nothing holds the environment.
      if (error instanceof ServiceUnavailableError) await this.deployments.discard(deploymentId);
      throw error;
    }
    return this.get(deploymentId);
  }

  /** The deployment already created for this JIRA transition (by a request whose answer was lost), if any. */
  async findByJiraTrigger(jiraTrigger: { issueKey: string; transitionedAt: Date }): Promise<string | null> {
    return this.deployments.findByJiraTrigger(jiraTrigger.issueKey, jiraTrigger.transitionedAt);
  }

  async list(filter: { environment?: string; status?: DeploymentStatus; limit?: number } = {}) {
    return this.deployments.list({ ...filter, limit: Math.min(filter.limit ?? 50, 500) });
  }

  /** A deployment with its phases and every step's status (outputs are fetched per step). */
  async get(id: string) {
    const deployment = await this.deployments.detail(id);
    if (!deployment) throw new NotFoundError(`deployment ${id} does not exist`);
    const { stepRuns, phaseRuns, ...rest } = deployment;
    return {
      ...rest,
      environment: deployment.environment.name,
      phaseRuns: phaseRuns.map((phase) => ({ ...phase, steps: stepRuns.filter((s) => s.phaseRunId === phase.id) })),
    };
  }

  async stepOutput(deploymentId: string, stepRunId: string) {
    const step = await this.deployments.stepOutput(deploymentId, stepRunId);
    if (!step) throw new NotFoundError(`step run ${stepRunId} of deployment ${deploymentId} does not exist`);
    return step;
  }

  /** Stops running steps within seconds (the worker kills the remote process) and starts nothing new. */
  async cancel(id: string, actor: string) {
    if (!(await this.deployments.cancel(id, actor))) {
      const existing = await this.deployments.find(id);
      if (!existing) throw new NotFoundError(`deployment ${id} does not exist`);
      throw new ConflictError(`deployment ${id} is ${existing.status}; only a queued or running deployment can be cancelled`);
    }
    // Best effort within REDIS_TIMEOUT_MS: the cancel is recorded, and with Redis away the reconciler
    // closes the deployment once no worker holds its phases.
    try {
      await this.signals.requestCancel(id);
      await this.queue.add('deployments:advance', { deploymentId: id }, { bounded: true });
    } catch (error) {
      if (!(error instanceof ServiceUnavailableError)) throw error;
    }
    return this.get(id);
  }

  /** Resumes a failed or cancelled deployment from where it stopped; finished steps are not run again. */
  async retry(id: string, actor: string) {
    const existing = await this.deployments.find(id);
    if (!existing) throw new NotFoundError(`deployment ${id} does not exist`);
    if (existing.status !== 'failed' && existing.status !== 'cancelled') {
      throw new ConflictError(`deployment ${id} is ${existing.status}; only a failed or cancelled deployment can be retried`);
    }
    try {
      await this.deployments.reopen(id, existing.environmentId, actor);
    } catch (error) {
      if (error instanceof UniqueViolation)
        throw new ConflictError(await this.busyMessage(existing.environmentId, existing.environment.name));
      throw error;
    }
    await this.queue.add('deployments:advance', { deploymentId: id });
    return this.get(id);
  }

  /**
   * Says who holds the environment: a refusal at minute 17 is most often the drift check's
   * check-mode run, which nobody in the room started.
   */
  private async busyMessage(environmentId: string, name: string): Promise<string> {
    const active = await this.deployments.activeOf(environmentId);
    const holder = active
      ? ` (${active.id}, ${active.status}, ${active.dryRun ? 'a check-mode run ' : ''}requested by ${active.requester})`
      : '';
    return `environment ${name} already has an active deployment${holder}; wait for it or cancel it`;
  }
}
