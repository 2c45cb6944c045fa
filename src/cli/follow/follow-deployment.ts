import type { ApiClient } from '../api-client.js';
import type { DeploymentView } from '../api-types.js';
import { CliError, EXIT } from '../exit-codes.js';
import type { ProgressView } from './progress-view.js';

/** Connection trouble this long in a row ends the follow (the deployment itself goes on). */
const GIVE_UP_AFTER_MS = 30_000;

/**
 * Reads the deployment every `intervalMs` and shows it until it has finished. Polling the
 * document (rather than rebuilding state from log events) shows exactly what the API says,
 * even after a dropped connection.
 */
export async function followDeployment(
  api: ApiClient,
  id: string,
  view: ProgressView,
  options: { intervalMs?: number } = {},
): Promise<DeploymentView> {
  const intervalMs = options.intervalMs ?? 500;
  let troubleSince: number | undefined;
  for (;;) {
    let deployment: DeploymentView;
    try {
      deployment = await api.get<DeploymentView>(`/api/v1/deployments/${encodeURIComponent(id)}`);
      troubleSince = undefined;
    } catch (error) {
      const transient = error instanceof CliError && (error.exitCode === EXIT.unreachable || error.exitCode === EXIT.serverError);
      troubleSince ??= Date.now();
      if (!transient || Date.now() - troubleSince > GIVE_UP_AFTER_MS) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs * 2));
      continue;
    }
    if (deployment.finishedAt) {
      view.finish(deployment);
      return deployment;
    }
    view.update(deployment);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export function exitCodeForOutcome(deployment: DeploymentView): number {
  if (deployment.status === 'succeeded') return EXIT.ok;
  if (deployment.status === 'cancelled') return EXIT.deploymentCancelled;
  return EXIT.deploymentFailed;
}
