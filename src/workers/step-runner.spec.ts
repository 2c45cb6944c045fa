import type { CommandResult, NodeSession, UploadOptions } from '../infra/ssh/executor.types.js';
import type { PlannedStep } from '../runbooks/model.js';
import { runPlannedStep } from './step-runner.js';

/** A node that answers each script from a table: what the step runner sees of a host. */
class ScriptedSession implements NodeSession {
  readonly target = 'node1';
  readonly ran: string[] = [];
  readonly uploads: { path: string; options: UploadOptions }[] = [];

  constructor(private readonly answer: (script: string, call: number) => Partial<CommandResult>) {}

  async run(script: string): Promise<CommandResult> {
    this.ran.push(script);
    return { exitCode: 0, stdout: '', stderr: '', durationMs: 1, ...this.answer(script, this.ran.length) };
  }

  async upload(path: string, _content: string | Buffer, options: UploadOptions): Promise<{ backupPath?: string }> {
    this.uploads.push({ path, options });
    return { backupPath: `${path}.bak` };
  }
}

const base = { phaseKey: 'p', storyKey: 's', position: 0, node: 'node1' };
const command: PlannedStep = { ...base, key: 'c', kind: 'command', title: 'install', guard: 'rpm -q pkg', run: 'yum -y install pkg' };
const file: PlannedStep = {
  ...base,
  key: 'f',
  kind: 'file',
  title: 'keystone.conf',
  guard: 'check-hash',
  run: 'chown root:keystone /etc/keystone/keystone.conf',
  file: {
    path: '/etc/keystone/keystone.conf',
    content: '[DEFAULT]\nadmin_token = s3cret\n',
    sha256: 'x',
    holdsSecret: true,
    digest: 'y',
    mode: '0640',
    owner: 'root',
    group: 'keystone',
    language: 'ini',
    notify: ['httpd'],
    backup: false,
  },
};
const verify: PlannedStep = {
  ...base,
  key: 'v',
  kind: 'verify',
  title: 'agents alive',
  run: 'neutron agent-list',
  verify: { format: 'table', expect: [{ kind: 'everyRow', match: { alive: ':-)' } }], retry: { attempts: 3, intervalMs: 5000 } },
};
const agents = (alive: string) => `+----+-------+\n| id | alive |\n+----+-------+\n| 1  | ${alive} |\n+----+-------+\n`;
const noSleep = async () => undefined;

describe('runPlannedStep', () => {
  it('reports ok and changes nothing when the guard says the host is already right', async () => {
    const node = new ScriptedSession(() => ({ exitCode: 0 }));
    const outcome = await runPlannedStep(command, node, { dryRun: false });
    expect(outcome).toMatchObject({ status: 'ok', exitCode: 0, guard: 'rpm -q pkg', commands: [] });
    expect(node.ran).toEqual(['rpm -q pkg']);
  });

  it('makes the change when the guard fails, and reports changed', async () => {
    const node = new ScriptedSession((script) => (script === 'rpm -q pkg' ? { exitCode: 1 } : { stdout: 'Complete!\n' }));
    const outcome = await runPlannedStep(command, node, { dryRun: false });
    expect(outcome).toMatchObject({
      status: 'changed',
      exitCode: 0,
      guard: 'rpm -q pkg',
      commands: ['yum -y install pkg'],
      stdout: 'Complete!\n',
    });
  });

  it('in check mode only reports what it would change', async () => {
    const node = new ScriptedSession(() => ({ exitCode: 1 }));
    const outcome = await runPlannedStep(command, node, { dryRun: true });
    expect(outcome).toMatchObject({ status: 'would_change', exitCode: null });
    expect(node.ran).toEqual(['rpm -q pkg']);
  });

  it('fails with the exit code of a change that failed', async () => {
    const node = new ScriptedSession((script) => (script === 'rpm -q pkg' ? { exitCode: 1 } : { exitCode: 7, stderr: 'No package pkg\n' }));
    expect(await runPlannedStep(command, node, { dryRun: false })).toMatchObject({
      status: 'failed',
      exitCode: 7,
      stderr: 'No package pkg\n',
    });
  });

  it('uploads a changed file with its owner and mode, then restarts a running service that reads it', async () => {
    const node = new ScriptedSession((script) => (script === 'check-hash' ? { exitCode: 1 } : { exitCode: 0 }));
    const outcome = await runPlannedStep(file, node, { dryRun: false });
    expect(outcome.status).toBe('changed');
    expect(node.uploads).toEqual([
      { path: '/etc/keystone/keystone.conf', options: { mode: '0640', owner: 'root', group: 'keystone', backup: false } },
    ]);
    expect(node.ran).toEqual(['check-hash', file.run, 'if systemctl is-active --quiet httpd; then systemctl restart httpd; fi']);
    // The rendered file is evidence for the runbook page (masked later, before it is stored).
    expect(outcome.artifacts).toEqual([
      { kind: 'rendered_file', name: '/etc/keystone/keystone.conf', language: 'ini', content: file.file!.content },
    ]);
  });

  it('polls a verification until its expectations hold', async () => {
    const node = new ScriptedSession((_script, call) => ({ stdout: agents(call < 3 ? 'xxx' : ':-)') }));
    const slept: number[] = [];
    const outcome = await runPlannedStep(verify, node, { dryRun: false, sleep: async (ms) => void slept.push(ms) });
    expect(outcome.status).toBe('ok');
    expect(slept).toEqual([5000, 5000]);
    expect(outcome.artifacts[0]).toMatchObject({
      kind: 'verification_table',
      data: { columns: ['id', 'alive'], rows: [{ id: '1', alive: ':-)' }] },
    });
  });

  it('fails a verification that never holds, saying which expectation failed', async () => {
    const node = new ScriptedSession(() => ({ stdout: agents('xxx') }));
    const outcome = await runPlannedStep(verify, node, { dryRun: false, sleep: noSleep });
    expect(outcome.status).toBe('failed');
    expect(node.ran).toHaveLength(3);
    expect(outcome.stderr).toMatch(/^verification failed: .*alive/m);
    // The evidence lists the expectation that was checked, with what the output showed.
    const evidence = outcome.artifacts[0]?.data?.expectations ?? [];
    expect(evidence).toHaveLength(1);
    expect(evidence[0]).toMatchObject({ expected: expect.stringContaining('alive'), passed: false });
    expect(evidence[0]?.actual).toContain('xxx');
  });

  it('in check mode reads a verification once and reports what is not yet true', async () => {
    const node = new ScriptedSession(() => ({ stdout: agents('xxx') }));
    const outcome = await runPlannedStep(verify, node, { dryRun: true, sleep: noSleep });
    expect(outcome.status).toBe('would_change');
    expect(node.ran).toHaveLength(1);
    expect(outcome.stdout).toMatch(/not yet true: .*alive/);
  });
});
