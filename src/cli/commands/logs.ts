import type { Command } from 'commander';
import type { ApiClient } from '../api-client.js';
import type { DeploymentView, LogLineView, StepOutputView, StepView } from '../api-types.js';
import { CliError, EXIT } from '../exit-codes.js';
import { formatDuration, stepCommands } from '../format.js';
import { exitCodeForOutcome } from '../follow/follow-deployment.js';
import { apiFor } from './context.js';

const FINISHED = new Set(['ok', 'changed', 'would_change', 'failed', 'cancelled']);
const OUTPUT_FETCHES_AT_ONCE = 6;

interface Filter {
  phase?: string;
  node?: string;
}

const matches = (filter: Filter, phaseKey: string, node: string) =>
  (!filter.phase || filter.phase === phaseKey) && (!filter.node || node === filter.node || node.split('.')[0] === filter.node);

/** Connection trouble this long in a row ends the follow (as for deploy --follow; the deployment itself goes on). */
const GIVE_UP_AFTER_MS = 30_000;
const RECONNECT_DELAY_MS = 1000;

const transient = (error: unknown) =>
  error instanceof CliError && (error.exitCode === EXIT.unreachable || error.exitCode === EXIT.serverError);

/**
 * Live lines over SSE until the `end` event; remote stderr goes to local stderr. A stream cut
 * before the end (the service restarting, a proxy's idle timeout) is opened again; the status
 * lines the service replays then (`replayed`) are printed only if they were not printed yet.
 */
async function streamLogs(api: ApiClient, id: string, filter: Filter): Promise<number> {
  const printedStatus = new Set<string>();
  let announced = false;
  let troubleSince: number | undefined;
  for (;;) {
    let trouble: string;
    try {
      for await (const event of api.events(`/api/v1/deployments/${encodeURIComponent(id)}/logs/stream`)) {
        troubleSince = undefined;
        if (event.event === 'deployment') {
          if (announced) continue;
          announced = true;
          const { status } = JSON.parse(event.data) as { status: string };
          process.stdout.write(`deployment ${id} is ${status}; following its log (Ctrl-C stops following, not the deployment)\n`);
        } else if (event.event === 'end') {
          const end = JSON.parse(event.data) as { status: string; error: string | null };
          process.stdout.write(`deployment ${id} ${end.status}${end.error ? `: ${end.error}` : ''}\n`);
          return exitCodeForOutcome({ status: end.status } as DeploymentView);
        } else {
          const line = JSON.parse(event.data) as LogLineView;
          if (!matches(filter, line.phaseKey, line.node)) continue;
          if (line.stream === 'status') {
            const key = `${line.phaseKey}|${line.node}|${line.stepKey}|${line.line}`;
            if (line.replayed && printedStatus.has(key)) continue;
            printedStatus.add(key);
          }
          const text = `[${line.phaseKey} ${line.node.split('.')[0]}] ${line.line}\n`;
          (line.stream === 'stderr' ? process.stderr : process.stdout).write(text);
        }
      }
      trouble = 'the stream closed before the deployment finished';
    } catch (error) {
      if (!transient(error)) throw error;
      trouble = (error as Error).message;
    }
    troubleSince ??= Date.now();
    if (Date.now() - troubleSince > GIVE_UP_AFTER_MS) {
      throw new CliError(`the log stream of ${id} was lost (${trouble}); run the command again to resume`, EXIT.unreachable);
    }
    process.stderr.write(`opsprint: ${trouble}; reconnecting\n`);
    await new Promise((resolve) => setTimeout(resolve, RECONNECT_DELAY_MS));
  }
}

/** The full output of every finished step so far, in order: phase, node, step. */
async function printFinishedOutput(api: ApiClient, id: string, filter: Filter): Promise<void> {
  const deployment = await api.get<DeploymentView>(`/api/v1/deployments/${encodeURIComponent(id)}`);
  const steps: { phaseKey: string; step: StepView }[] = [...deployment.phaseRuns]
    .sort((a, b) => a.position - b.position)
    .flatMap((phase) => (phase.steps ?? []).map((step) => ({ phaseKey: phase.phaseKey, step })))
    .filter(({ phaseKey, step }) => FINISHED.has(step.status) && matches(filter, phaseKey, step.node));
  const outputs: Promise<StepOutputView>[] = [];
  let next = 0;
  // Fetched a few at a time, printed strictly in order.
  const fetchMore = () => {
    while (outputs.length < Math.min(steps.length, next + OUTPUT_FETCHES_AT_ONCE)) {
      const { step } = steps[outputs.length];
      outputs.push(api.get<StepOutputView>(`/api/v1/deployments/${deployment.id}/steps/${step.id}/output`));
    }
  };
  for (; next < steps.length; next++) {
    fetchMore();
    const { phaseKey, step } = steps[next];
    const output = await outputs[next];
    const facts = [
      output.exitCode === null ? '' : `exit ${output.exitCode}`,
      step.durationMs === null ? '' : formatDuration(step.durationMs),
    ]
      .filter(Boolean)
      .join(', ');
    process.stdout.write(`== ${phaseKey} · ${step.node} · ${step.title}: ${step.status}${facts ? ` (${facts})` : ''}\n`);
    process.stdout.write(stepCommands(output));
    if (output.stdout) process.stdout.write(output.stdout.endsWith('\n') ? output.stdout : `${output.stdout}\n`);
    if (output.stderr) process.stdout.write(output.stderr.endsWith('\n') ? output.stderr : `${output.stderr}\n`);
  }
  if (steps.length === 0) process.stdout.write(`No finished steps${filter.phase || filter.node ? ' match' : ' yet'}.\n`);
}

export function registerLogs(program: Command): void {
  program
    .command('logs')
    .description('the output of a deployment: every finished step, or live lines with --follow')
    .argument('<id>', 'deployment id')
    .option('-f, --follow', 'stream live lines until the deployment finishes; the exit code is the outcome')
    .option('--phase <key>', 'only this phase')
    .option('--node <name>', 'only this node (full or short name)')
    .action(async (id: string, options: Filter & { follow?: boolean }, command: Command) => {
      const api = await apiFor(command);
      if (options.follow) process.exitCode = await streamLogs(api, id, options);
      else await printFinishedOutput(api, id, options);
    });
}
