import type { Command } from 'commander';
import { commaList } from '../../common/command-line.js';
import type { ApiClient } from '../api-client.js';
import { type DeploymentView, environmentName, type StepOutputView } from '../api-types.js';
import { EXIT } from '../exit-codes.js';
import { elapsed, formatDuration, palette, stepCommands } from '../format.js';
import { exitCodeForOutcome, followDeployment } from '../follow/follow-deployment.js';
import { LineProgressView, TerminalProgressView } from '../follow/progress-view.js';
import { apiFor, printJson } from './context.js';

const FAILED_OUTPUT_LINES = 20;

/** Exit code for Ctrl-C while following, as a shell reports a process ended by SIGINT. */
const INTERRUPTED = 130;

/**
 * Shows the deployment until it finishes (a redrawn view on a terminal, one line per change
 * otherwise), then the failed steps' output; resolves with the exit code of the outcome.
 */
async function followToTheEnd(api: ApiClient, deployment: DeploymentView): Promise<number> {
  // A terminal that reports no size (some CI ptys) cannot be redrawn in place: plain lines there.
  const redraw = Boolean(process.stdout.isTTY && process.stdout.rows > 0 && process.stdout.columns > 0);
  const view = redraw ? new TerminalProgressView(process.stdout) : new LineProgressView();
  const stopFollowing = () => {
    process.stdout.write(
      `\nStopped following; deployment ${deployment.id} goes on. Watch it again: opsprint logs ${deployment.id} --follow; stop it: opsprint cancel ${deployment.id}\n`,
    );
    process.exit(INTERRUPTED);
  };
  process.once('SIGINT', stopFollowing);
  const finished = await followDeployment(api, deployment.id, view, { intervalMs: redraw ? 300 : 1000 });
  process.off('SIGINT', stopFollowing);
  await reportFailedSteps(api, finished);
  const colours = palette(process.stdout);
  const took = elapsed(finished.startedAt ?? finished.createdAt, finished.finishedAt);
  const line = `deployment ${finished.id} ${finished.status}${took === undefined ? '' : ` in ${formatDuration(took)}`}${finished.dryRun ? ' (check mode: nothing was changed)' : ''}${finished.error ? `: ${finished.error}` : ''}`;
  process.stdout.write(`${finished.status === 'succeeded' ? colours.ok(line) : colours.bad(line)}\n`);
  return exitCodeForOutcome(finished);
}

async function reportFailedSteps(api: ApiClient, deployment: DeploymentView): Promise<void> {
  for (const phase of deployment.phaseRuns) {
    for (const step of (phase.steps ?? []).filter((s) => s.status === 'failed')) {
      const output = await api.get<StepOutputView>(`/api/v1/deployments/${deployment.id}/steps/${step.id}/output`);
      const text = `${output.stdout ?? ''}${output.stderr ?? ''}`.trimEnd().split('\n').slice(-FAILED_OUTPUT_LINES).join('\n');
      process.stdout.write(`\n✗ ${phase.phaseKey} · ${step.title} on ${step.node}, exit code ${output.exitCode ?? '-'}\n`);
      process.stdout.write(stepCommands(output));
      if (text) process.stdout.write(`${text}\n`);
    }
  }
}

function announce(deployment: DeploymentView, verb: string): void {
  process.stdout.write(
    `Deployment ${deployment.id} ${verb}: ${deployment.phaseRuns.length} phase(s) of ${deployment.runbookKey} on ${environmentName(deployment)}${deployment.dryRun ? ' in check mode' : ''} (${deployment.status}).\n`,
  );
}

export function registerDeploy(program: Command): void {
  program
    .command('deploy')
    .description('start a deployment of a runbook on an environment')
    .argument('<environment>', 'environment name')
    .option('--runbook <key>', 'runbook key (default: openstack-liberty)')
    .option('--phases <keys>', 'only these phases, comma-separated (their dependencies are not added)', commaList)
    .option('--dry-run', 'check mode: run the probes and verifications only, change nothing')
    .option('-f, --follow', 'show progress until it finishes; the exit code is the outcome')
    .option('--json', 'print the created deployment as JSON (without --follow)')
    .action(
      async (
        environment: string,
        options: { runbook?: string; phases?: string[]; dryRun?: boolean; follow?: boolean; json?: boolean },
        command: Command,
      ) => {
        const api = await apiFor(command);
        const created = await api.post<DeploymentView>('/api/v1/deployments', {
          environment,
          ...(options.runbook ? { runbook: options.runbook } : {}),
          ...(options.phases ? { phases: options.phases } : {}),
          ...(options.dryRun ? { dryRun: true } : {}),
        });
        if (options.json && !options.follow) return printJson(created);
        announce(created, 'created');
        if (!options.follow) {
          process.stdout.write(`Follow it: opsprint logs ${created.id} --follow\n`);
          return;
        }
        process.exitCode = await followToTheEnd(api, created);
      },
    );

  program
    .command('retry')
    .description('resume a failed or cancelled deployment where it stopped (finished steps are not run again)')
    .argument('<id>', 'deployment id')
    .option('-f, --follow', 'show progress until it finishes; the exit code is the outcome')
    .action(async (id: string, options: { follow?: boolean }, command: Command) => {
      const api = await apiFor(command);
      const retried = await api.post<DeploymentView>(`/api/v1/deployments/${encodeURIComponent(id)}/retry`);
      announce(retried, 'resumed');
      if (options.follow) process.exitCode = await followToTheEnd(api, retried);
    });

  program
    .command('cancel')
    .description('cancel a queued or running deployment: running steps are stopped on the nodes, nothing new starts')
    .argument('<id>', 'deployment id')
    .action(async (id: string, _options: unknown, command: Command) => {
      const cancelled = await (await apiFor(command)).post<DeploymentView>(`/api/v1/deployments/${encodeURIComponent(id)}/cancel`);
      process.stdout.write(`Deployment ${cancelled.id} is ${cancelled.status}.\n`);
      process.exitCode = EXIT.ok;
    });
}
