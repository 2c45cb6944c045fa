import { Injectable } from '@nestjs/common';
import { InputError, NotFoundError } from '../../common/errors.js';
import { EnvironmentsService } from '../../environments/environments.service.js';
import { RunbookCatalog } from '../../runbooks/catalog.js';
import type { PlannedStep, Runbook, Secrets } from '../../runbooks/model.js';
import { describePlan, planDeployment, PlanError } from '../../runbooks/plan.js';
import { maskSecrets } from '../../runbooks/secrets.js';
import { describeExpectation } from './runbook-views.js';

/** Every string inside `value` with the secrets masked; keys and structure untouched. */
function maskDeep<T>(value: T, secrets: Partial<Secrets>): T {
  if (typeof value === 'string') return maskSecrets(value, secrets) as T;
  if (Array.isArray(value)) return value.map((item) => maskDeep(item, secrets)) as T;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskDeep(v, secrets)])) as T;
  }
  return value;
}

function stepPreview(step: PlannedStep) {
  return {
    node: step.node,
    storyKey: step.storyKey,
    key: step.key,
    position: step.position,
    kind: step.kind,
    title: step.title,
    ...(step.guard ? { guard: step.guard } : {}),
    ...(step.run ? { run: step.run } : {}),
    ...(step.file ? { file: step.file } : {}),
    ...(step.verify
      ? { verify: { format: step.verify.format, expectations: step.verify.expect.map(describeExpectation), retry: step.verify.retry } }
      : {}),
  };
}

/** What a deployment would do on an environment, rendered for reading, secrets masked. */
@Injectable()
export class RunbookPreviewService {
  constructor(
    private readonly catalog: RunbookCatalog,
    private readonly environments: EnvironmentsService,
  ) {}

  runbook(key: string): Runbook {
    const runbook = this.catalog.get(key);
    if (!runbook) throw new NotFoundError(`runbook ${key} does not exist (known: ${[...this.catalog.keys()].join(', ')})`);
    return runbook;
  }

  async preview(runbookKey: string, environmentName: string, phases?: string[]) {
    const runbook = this.runbook(runbookKey);
    const environment = await this.environments.loadForDeployment({ name: environmentName }).catch((error) => {
      throw error instanceof NotFoundError ? new InputError([`environment: ${error.message}`]) : error;
    });
    let plan;
    try {
      plan = planDeployment(runbook, environment.inventory, environment.secrets, phases);
    } catch (error) {
      if (error instanceof PlanError) throw new InputError(error.reasons);
      throw error;
    }
    const secrets = { ...environment.secrets, SSH_PRIVATE_KEY: environment.sshPrivateKey };
    return maskDeep(
      {
        runbook: { key: plan.runbookKey, version: plan.runbookVersion },
        environment: environment.name,
        phases: plan.phases.map(({ phase, nodes, steps }) => ({
          key: phase.key,
          title: phase.title,
          dependsOn: phase.dependsOn,
          nodes,
          steps: steps.map(stepPreview),
        })),
        text: describePlan(plan, environment.secrets),
      },
      secrets,
    );
  }
}
