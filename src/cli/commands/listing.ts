import { type Command, Option } from 'commander';
import { integerIn } from '../../common/command-line.js';
import { type DeploymentView, type EnvironmentView, environmentName, type RunbookSummaryView } from '../api-types.js';
import { elapsed, formatDuration, formatTable, formatTimestamp } from '../format.js';
import { deploymentProgress, describeCounts } from '../follow/progress-model.js';
import { apiFor, printJson } from './context.js';

const STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];

export function describeDeployment(deployment: DeploymentView): string {
  const took = elapsed(deployment.startedAt, deployment.finishedAt);
  const lines = [
    `deployment  ${deployment.id}`,
    `environment ${environmentName(deployment)}`,
    `runbook     ${deployment.runbookKey} ${deployment.runbookVersion}${deployment.dryRun ? ' (check mode: changes nothing)' : ''}`,
    `status      ${deployment.status}${took === undefined ? '' : ` (${formatDuration(took)})`}${deployment.error ? `: ${deployment.error}` : ''}`,
    `requested   ${formatTimestamp(deployment.createdAt)} by ${deployment.requester} (${deployment.trigger})`,
    '',
  ];
  const phases = deploymentProgress(deployment);
  const rows = phases.map((phase) => {
    const phaseTook = elapsed(phase.startedAt, phase.finishedAt);
    return [
      phase.key,
      phase.status,
      `${phase.done}/${phase.total}`,
      phaseTook === undefined ? '' : formatDuration(phaseTook),
      phase.nodes.map((n) => n.node.split('.')[0]).join(', '),
      describeCounts(phase.counts),
    ];
  });
  lines.push(formatTable(['PHASE', 'STATUS', 'STEPS', 'TIME', 'NODES', 'OUTCOMES'], rows));
  return lines.join('\n');
}

export function registerListings(program: Command): void {
  program
    .command('environments')
    .alias('envs')
    .description('list the environments (nodes, roles, names of stored secrets)')
    .option('--json', 'print the API answer as JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const environments = await (await apiFor(command)).get<EnvironmentView[]>('/api/v1/environments');
      if (options.json) return printJson(environments);
      if (environments.length === 0) return void process.stdout.write('No environments yet (POST /api/v1/environments).\n');
      const rows = environments.map((env) => [
        env.name,
        env.nodes.map((n) => `${n.name} (${n.roles.join(',')})`).join(', '),
        String(env.secrets.length),
        env.description ?? '',
      ]);
      process.stdout.write(`${formatTable(['NAME', 'NODES', 'SECRETS', 'DESCRIPTION'], rows)}\n`);
    });

  program
    .command('runbooks')
    .description('list the runbooks and their phases')
    .option('--json', 'print the API answer as JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const runbooks = await (await apiFor(command)).get<RunbookSummaryView[]>('/api/v1/runbooks');
      if (options.json) return printJson(runbooks);
      for (const runbook of runbooks) {
        process.stdout.write(`${runbook.key} ${runbook.version}: ${runbook.title}\n`);
        const rows = runbook.phases.map((p) => [
          p.key,
          p.title,
          p.dependsOn.join(', ') || '-',
          [p.on].flat().join(', '),
          String(p.stories),
        ]);
        process.stdout.write(
          `${formatTable(
            ['  PHASE', 'TITLE', 'AFTER', 'ON', 'STORIES'],
            rows.map((r) => [`  ${r[0]}`, ...r.slice(1)]),
          )}\n`,
        );
      }
    });

  program
    .command('deployments')
    .alias('ls')
    .description('list deployments, newest first')
    .option('--env <name>', 'only this environment')
    .addOption(new Option('--status <status>', 'only this status').choices(STATUSES))
    .option('--limit <n>', 'at most this many', integerIn(1, 500), 20)
    .option('--json', 'print the API answer as JSON')
    .action(async (options: { env?: string; status?: string; limit: number; json?: boolean }, command: Command) => {
      const deployments = await (await apiFor(command)).get<DeploymentView[]>('/api/v1/deployments', {
        environment: options.env,
        status: options.status,
        limit: options.limit,
      });
      if (options.json) return printJson(deployments);
      if (deployments.length === 0) return void process.stdout.write('No deployments.\n');
      const rows = deployments.map((d) => {
        const took = elapsed(d.startedAt, d.finishedAt);
        const done = d.phaseRuns.filter((p) => p.status === 'succeeded').length;
        return [
          d.id,
          environmentName(d),
          `${d.status}${d.dryRun ? ' (check)' : ''}`,
          `${done}/${d.phaseRuns.length}`,
          formatTimestamp(d.createdAt),
          took === undefined ? '' : formatDuration(took),
          `${d.requester} (${d.trigger})`,
        ];
      });
      process.stdout.write(`${formatTable(['ID', 'ENV', 'STATUS', 'PHASES', 'CREATED', 'TIME', 'BY'], rows)}\n`);
    });

  program
    .command('show')
    .alias('status')
    .description('one deployment: its phases, step counts and outcome')
    .argument('<id>', 'deployment id')
    .option('--json', 'print the API answer as JSON')
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      const deployment = await (await apiFor(command)).get<DeploymentView>(`/api/v1/deployments/${encodeURIComponent(id)}`);
      if (options.json) return printJson(deployment);
      process.stdout.write(`${describeDeployment(deployment)}\n`);
    });
}
