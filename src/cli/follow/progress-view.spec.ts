import type { DeploymentView, PhaseView, StepStatus, StepView } from '../api-types.js';
import { LineProgressView, TerminalProgressView } from './progress-view.js';

const NODES = ['linux-node1.example.com', 'linux-node2.example.com'];

function steps(phase: string, statuses: Record<string, StepStatus[]>): StepView[] {
  return Object.entries(statuses).flatMap(([node, list]) =>
    list.map((status, i) => ({
      id: `${phase}-${node}-${i}`,
      storyKey: 's',
      stepKey: `step-${i}`,
      node,
      kind: 'command',
      title: `${phase} step ${i}`,
      status,
      exitCode: status === 'failed' ? 3 : null,
      startedAt: null,
      finishedAt: null,
      durationMs: null,
    })),
  );
}

function phase(key: string, position: number, status: PhaseView['status'], stepList: StepView[]): PhaseView {
  const finished = ['succeeded', 'failed'].includes(status);
  return {
    id: key,
    phaseKey: key,
    position,
    status,
    attempt: 0,
    startedAt: status === 'pending' ? null : '2026-12-01T10:00:00.000Z',
    finishedAt: finished ? '2026-12-01T10:00:12.300Z' : null,
    error: null,
    steps: stepList,
  };
}

function deployment(phaseRuns: PhaseView[], status: DeploymentView['status'] = 'running'): DeploymentView {
  return {
    id: 'd-1',
    environment: 'lab',
    runbookKey: 'openstack-liberty',
    runbookVersion: '1.0.0',
    phases: phaseRuns.map((p) => p.phaseKey),
    trigger: 'api',
    requester: 'pipeline',
    dryRun: false,
    status,
    error: null,
    createdAt: '2026-12-01T10:00:00.000Z',
    startedAt: '2026-12-01T10:00:00.000Z',
    finishedAt: status === 'running' ? null : '2026-12-01T10:01:00.000Z',
    phaseRuns,
  };
}

const running = deployment([
  phase('base', 0, 'succeeded', steps('base', { [NODES[0]]: ['changed', 'ok'], [NODES[1]]: ['ok', 'ok'] })),
  phase('mariadb', 1, 'running', steps('mariadb', { [NODES[0]]: ['changed', 'running', 'pending', 'pending'] })),
  phase('rabbitmq', 2, 'pending', steps('rabbitmq', { [NODES[0]]: ['pending', 'pending'] })),
]);

describe('the terminal progress view', () => {
  it('draws a bar per phase and, under the running phase, a bar per node with the step it is on', () => {
    const written: string[] = [];
    const tty = { isTTY: true, columns: 120, rows: 40, write: (chunk: string) => written.push(chunk) > 0, on: () => tty, off: () => tty };
    const view = new TerminalProgressView(tty as unknown as NodeJS.WriteStream);
    view.update(running);
    const frame = written.join('');
    expect(frame).toContain('\n✓ base          ████████████████████ 100%      4/4  12 s\n');
    expect(frame).toContain('\n▶ mariadb       █████░░░░░░░░░░░░░░░  25%      1/4\n');
    expect(frame).toContain('\n    linux-node1 █████░░░░░░░░░░░░░░░          1/4  ▶ mariadb step 1\n');
    expect(frame).toContain('\n· rabbitmq      ░░░░░░░░░░░░░░░░░░░░   0%      0/2\n');
    // Pending and finished phases are one line each: no node lines under them.
    expect(frame.match(/linux-node/g)).toHaveLength(1);
  });
});

describe('the line progress view (pipes and logs)', () => {
  it('says each change once, however often it is shown the same state', () => {
    const lines: string[] = [];
    const view = new LineProgressView((line) => lines.push(line));
    view.update(running);
    view.update(running);
    const failed = deployment(
      [running.phaseRuns[0], phase('mariadb', 1, 'failed', steps('mariadb', { [NODES[0]]: ['changed', 'failed', 'pending', 'pending'] }))],
      'failed',
    );
    view.finish(failed);
    expect(lines).toEqual([
      'deployment d-1 · lab · openstack-liberty 1.0.0 · running',
      '  base · linux-node1: 2/2 steps done',
      '  base · linux-node2: 2/2 steps done',
      '✓ base succeeded in 12 s (1 changed, 3 ok)',
      '▶ mariadb running on linux-node1',
      '  ✗ mariadb · linux-node1 · mariadb step 1: failed (exit code 3)',
      '✗ mariadb failed in 12 s (1 changed, 1 failed, 2 pending)',
    ]);
  });
});
