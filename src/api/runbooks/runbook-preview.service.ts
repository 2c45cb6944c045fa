import { Injectable } from '@nestjs/common';
import { InputError, NotFoundError } from '../../common/errors.js';
import { EnvironmentsService } from '../../environments/environments.service.js';
import { RunbookCatalog } from '../../runbooks/catalog.js';
import type { Runbook } from '../../runbooks/model.js';
import { describePlan, planDeployment, PlanError } from '../../runbooks/plan.js';
import { maskedValues, maskSecrets } from '../../runbooks/secrets.js';
import type { RunbookPreviewResponseDto } from './runbook-response.dto.js';
import { toRunbookPreviewResponse } from './runbook-views.js';

/** Every string inside `value` with the secrets masked; keys and structure untouched. */
function maskDeep<T>(value: T, secrets: readonly string[]): T {
  if (typeof value === 'string') return maskSecrets(value, secrets) as T;
  if (Array.isArray(value)) return value.map((item) => maskDeep(item, secrets)) as T;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskDeep(v, secrets)])) as T;
  }
  return value;
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

  async preview(runbookKey: string, environmentName: string, phases?: string[]): Promise<RunbookPreviewResponseDto> {
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
    const steps = plan.phases.flatMap((phase) => phase.steps);
    const secrets = [...maskedValues(environment.secrets, steps), environment.sshPrivateKey];
    return maskDeep(toRunbookPreviewResponse(plan, environment.name, describePlan(plan, environment.secrets)), secrets);
  }
}
