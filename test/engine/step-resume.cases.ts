import { SshError, type SshTarget } from '../../src/infra/ssh/executor.types.js';
import { SshExecutor } from '../../src/infra/ssh/ssh-executor.js';
import type { PlannedStep } from '../../src/runbooks/model.js';
import { runPlannedStep, type StepRunOptions } from '../../src/workers/step-runner.js';
import { startLab, type Lab } from '../../lab/nodes/lab.js';
import { CONTROLLER, readLabFile } from './support/engine-fixtures.js';

describe('step-resume', () => {
  /**
   * A node whose SSH session drops in the middle of a step (the Linux bridge agent moving the
   * provider interface's address onto its bridge does that once): the step runner reconnects and
   * decides from the step's own probe, instead of failing or blindly running the change again.
   */
  let lab: Lab;
  let executor: SshExecutor;
  const noWait: StepRunOptions = { dryRun: false, sleep: async () => undefined };

  function target(): SshTarget {
    const node = lab.nodes[0]!;
    return {
      name: node.name,
      host: node.ssh.host,
      port: node.ssh.port,
      username: node.ssh.user,
      privateKey: lab.clientPrivateKey!,
      hostKeyFingerprint: node.ssh.hostKeyFingerprint,
      connectTimeoutMs: 5000,
    };
  }

  function command(key: string, run: string, guard?: string): PlannedStep {
    return {
      phaseKey: 'p',
      storyKey: 's',
      key,
      position: 0,
      node: CONTROLLER,
      kind: 'command',
      title: key,
      run,
      ...(guard ? { guard } : {}),
    };
  }

  beforeEach(async () => {
    lab = await startLab({ computeNodes: 0 });
    executor = new SshExecutor({ connectTimeoutMs: 5000 });
  });
  afterEach(async () => {
    await executor.closeAll();
    await lab.stop();
  });

  describe('a step whose connection drops while it runs', () => {
    it('reconnects and reports the change done when its probe confirms it, having run it once', async () => {
      lab.faults.dropConnection(CONTROLLER, { pattern: 'echo once', afterRun: true });
      const session = await executor.session(target());
      const step = command('append', 'echo once >> /var/tmp/once.log', 'grep -qx once /var/tmp/once.log');
      const outcome = await runPlannedStep(step, session, noWait);
      expect(outcome.status).toBe('changed');
      expect(outcome.stdout).toContain("dropped while this ran; reconnected, and the step's probe confirms the change took effect");
      // The guard is recorded apart (it ran before the change and again after the drop to confirm it).
      expect(outcome.guard).toBe(step.guard);
      expect(outcome.commands).toEqual([step.run]);
      expect(await readLabFile(lab, CONTROLLER, '/var/tmp/once.log')).toBe('once\n');
    });

    it('hands the loss up (transient, for the phase to retry) when the probe shows the change did not happen', async () => {
      lab.faults.dropConnection(CONTROLLER, { pattern: 'echo lost', afterRun: false });
      const session = await executor.session(target());
      const failure = await runPlannedStep(
        command('lost', 'echo lost >> /var/tmp/lost.log', 'test -s /var/tmp/lost.log'),
        session,
        noWait,
      ).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(SshError);
      expect(failure).toMatchObject({ code: 'connection-lost', transient: true });
      expect(await readLabFile(lab, CONTROLLER, '/var/tmp/lost.log')).toBe('');
    });

    it('hands the loss up for a change without a probe: nothing tells whether it ran', async () => {
      lab.faults.dropConnection(CONTROLLER, { pattern: 'echo blind', afterRun: true });
      const session = await executor.session(target());
      await expect(runPlannedStep(command('blind', 'echo blind >> /var/tmp/blind.log'), session, noWait)).rejects.toMatchObject({
        code: 'connection-lost',
      });
    });

    it('reads a verification again on the new connection', async () => {
      lab.faults.dropConnection(CONTROLLER, { pattern: 'printf', afterRun: false });
      const session = await executor.session(target());
      const step: PlannedStep = {
        ...command('verify', "printf '+---+\\n| A |\\n+---+\\n| x |\\n+---+\\n'"),
        kind: 'verify',
        verify: { format: 'table', expect: [{ kind: 'row', match: { A: 'x' } }] },
      };
      const outcome = await runPlannedStep(step, session, noWait);
      expect(outcome.status).toBe('ok');
    });
  });
});
