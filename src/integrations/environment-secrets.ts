import type { EnvironmentsService } from '../environments/environments.service.js';

/**
 * Every secret value of an environment (generated secrets and the SSH key), for the JIRA and
 * Confluence writers to mask or refuse: a second lock behind the masking done at execution.
 */
export async function environmentSecretValues(environments: EnvironmentsService, environmentId: string): Promise<string[]> {
  const environment = await environments.loadForDeployment({ id: environmentId });
  return [...Object.values(environment.secrets), environment.sshPrivateKey].filter(
    (value): value is string => typeof value === 'string' && value.length > 0,
  );
}
