import { createLogUpdate } from 'log-update';
import { type DeploymentView, environmentName } from '../api-types.js';
import { elapsed, formatDuration, type Palette, palette, progressBar } from '../format.js';
import { deploymentProgress, describeCounts, type PhaseProgress } from './progress-model.js';

/** Shows a followed deployment; `update` is called with every new state, `finish` once with the last. */
export interface ProgressView {
  update(deployment: DeploymentView): void;
  finish(deployment: DeploymentView): void;
}

const MARK: Record<PhaseProgress['status'], string> = {
  pending: '·',
  running: '▶',
  succeeded: '✓',
  failed: '✗',
  cancelled: '■',
  skipped: '–',
};

function headline(deployment: DeploymentView, withTime = true): string {
  const took = withTime ? elapsed(deployment.startedAt ?? deployment.createdAt, deployment.finishedAt) : undefined;
  return [
    `deployment ${deployment.id}`,
    environmentName(deployment),
    `${deployment.runbookKey} ${deployment.runbookVersion}${deployment.dryRun ? ' (check mode)' : ''}`,
    deployment.status,
    took === undefined ? '' : formatDuration(took),
  ]
    .filter(Boolean)
    .join(' · ');
}

function paintMark(phase: PhaseProgress, colours: Palette): string {
  const mark = MARK[phase.status];
  if (phase.status === 'succeeded') return colours.ok(mark);
  if (phase.status === 'failed') return colours.bad(mark);
  if (phase.status === 'running') return colours.warn(mark);
  return colours.dim(mark);
}

const shortNode = (node: string) => node.split('.')[0] ?? node;

/**
 * A terminal view redrawn in place: one line per phase with a bar, and under each running or
 * failed phase one line per node with its bar and the step it is on.
 */
export class TerminalProgressView implements ProgressView {
  private readonly render: ReturnType<typeof createLogUpdate>;
  private readonly colours: Palette;

  constructor(stream: NodeJS.WriteStream = process.stdout) {
    this.render = createLogUpdate(stream, { showCursor: true });
    this.colours = palette(stream);
  }

  update(deployment: DeploymentView): void {
    this.render(this.frame(deployment));
  }

  finish(deployment: DeploymentView): void {
    this.render(this.frame(deployment));
    this.render.done();
  }

  private frame(deployment: DeploymentView): string {
    const phases = deploymentProgress(deployment);
    const width = Math.max(
      12,
      ...phases.map((p) => p.key.length),
      ...phases.flatMap((p) => p.nodes.map((n) => shortNode(n.node).length + 2)),
    );
    const lines = [this.colours.bold(headline(deployment))];
    for (const phase of phases) {
      const percent = phase.total ? Math.floor((phase.done / phase.total) * 100) : 100;
      const took = phase.finishedAt ? formatDuration(elapsed(phase.startedAt, phase.finishedAt) ?? 0) : '';
      lines.push(
        `${paintMark(phase, this.colours)} ${phase.key.padEnd(width)} ${progressBar(phase.done, phase.total)} ${String(percent).padStart(3)}%  ${`${phase.done}/${phase.total}`.padStart(7)}  ${took}`.trimEnd(),
      );
      if (phase.status !== 'running' && phase.status !== 'failed') continue;
      for (const node of phase.nodes) {
        const state = node.failed
          ? this.colours.bad(`✗ ${node.failed} failed`)
          : node.current
            ? `▶ ${node.current}`
            : node.done === node.total
              ? this.colours.ok('✓ done')
              : '';
        lines.push(
          `    ${shortNode(node.node).padEnd(width - 2)} ${progressBar(node.done, node.total)}      ${`${node.done}/${node.total}`.padStart(7)}  ${state}`.trimEnd(),
        );
      }
    }
    if (deployment.error) lines.push(this.colours.bad(deployment.error));
    return lines.join('\n');
  }
}

/**
 * For logs and pipes: one line whenever something changes (a phase starts or ends, a node
 * finishes its part of a phase, a step fails), never a redraw.
 */
export class LineProgressView implements ProgressView {
  private readonly said = new Set<string>();

  constructor(private readonly write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)) {}

  update(deployment: DeploymentView): void {
    if (!this.said.has('start')) {
      this.said.add('start');
      this.write(headline(deployment, false));
    }
    for (const phase of deploymentProgress(deployment)) {
      if (phase.status === 'running')
        this.once(`${phase.key}:running`, `▶ ${phase.key} running on ${phase.nodes.map((n) => shortNode(n.node)).join(', ')}`);
      if (phase.status === 'running' || phase.status === 'failed' || phase.status === 'succeeded') {
        for (const node of phase.nodes) {
          if (node.done === node.total && phase.nodes.length > 1)
            this.once(`${phase.key}:${node.node}:done`, `  ${phase.key} · ${shortNode(node.node)}: ${node.done}/${node.total} steps done`);
        }
      }
      for (const step of deployment.phaseRuns.find((p) => p.phaseKey === phase.key)?.steps ?? []) {
        if (step.status === 'failed')
          this.once(
            `${step.id}:failed`,
            `  ✗ ${phase.key} · ${shortNode(step.node)} · ${step.title}: failed${step.exitCode === null ? '' : ` (exit code ${step.exitCode})`}`,
          );
      }
      if (phase.status === 'succeeded' || phase.status === 'failed' || phase.status === 'cancelled' || phase.status === 'skipped') {
        const took = phase.finishedAt && phase.startedAt ? ` in ${formatDuration(elapsed(phase.startedAt, phase.finishedAt) ?? 0)}` : '';
        const counts = describeCounts(phase.counts);
        this.once(`${phase.key}:end`, `${MARK[phase.status]} ${phase.key} ${phase.status}${took}${counts ? ` (${counts})` : ''}`);
      }
    }
  }

  finish(deployment: DeploymentView): void {
    this.update(deployment);
  }

  private once(key: string, line: string): void {
    if (this.said.has(key)) return;
    this.said.add(key);
    this.write(line);
  }
}
