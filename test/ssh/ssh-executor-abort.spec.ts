import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { SshError } from '../../src/infra/ssh/executor.types.js';
import { SshExecutor } from '../../src/infra/ssh/ssh-executor.js';
import { countLog, targetFor, waitFor } from './fixtures.js';
import { startSshd, type RunningSshd } from '../../lab/openssh/start-sshd.js';

const run = promisify(execFile);

/** Processes whose command line matches: the remote host is this machine. */
async function remoteProcesses(pattern: string): Promise<string[]> {
  try {
    return (await run('pgrep', ['-f', pattern])).stdout.split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

describe('SshExecutor step timeout, cancel and lost connections', () => {
  let sshd: RunningSshd;
  let executor: SshExecutor;

  beforeAll(async () => {
    sshd = await startSshd({ logLevel: 'VERBOSE' });
  });
  afterAll(async () => {
    await sshd?.stop();
  });
  beforeEach(() => {
    executor = new SshExecutor();
  });
  afterEach(async () => {
    await executor.closeAll();
  });

  it('rejects a step that outlives its timeout, kills its remote process, and the node keeps working', async () => {
    const node = await executor.session(targetFor(sshd));
    const marker = `sleep 31.${process.pid}1`;
    // The command would run 31 s: a `timeout` error (not its end) and its process killed below show the timer fired.
    const error = await node.run(`echo starting; ${marker}; echo never`, { timeoutMs: 500 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SshError);
    expect(error).toMatchObject({ code: 'timeout', node: node.target, transient: true });
    await waitFor(async () => (await remoteProcesses(marker)).length === 0, 10_000, `${marker} to be killed`);

    const next = await node.run('echo after-timeout');
    expect(next).toMatchObject({ exitCode: 0, stdout: 'after-timeout\n' });
    expect(countLog(sshd, /Accepted publickey/)).toBeGreaterThanOrEqual(1);
    expect(await sshd.connectionPids()).toHaveLength(1); // same connection, a new channel
  });

  it('cancels a running step through its AbortSignal, killing the remote process', async () => {
    const node = await executor.session(targetFor(sshd));
    const marker = `sleep 31.${process.pid}2`;
    const controller = new AbortController();
    const lines: string[] = [];
    const pending = node.run(`echo running; ${marker}`, { signal: controller.signal, onStdout: (l) => lines.push(l) });
    await waitFor(() => lines.includes('running'), 5000, 'the step to start');
    expect(await remoteProcesses(marker)).toHaveLength(1);
    controller.abort();
    // `cancelled`, not the end of a 31 s command: the abort ended the wait.
    await expect(pending).rejects.toMatchObject({ code: 'cancelled', transient: false });
    await waitFor(async () => (await remoteProcesses(marker)).length === 0, 10_000, `${marker} to be killed`);
    expect((await node.run('echo after-cancel')).stdout).toBe('after-cancel\n');
  });

  it('kills only the step that timed out: a daemon an earlier step left in the background keeps running', async () => {
    const node = await executor.session(targetFor(sshd));
    const daemon = `sleep 32.${process.pid}5`;
    const stuck = `sleep 31.${process.pid}5`;
    await node.run(`nohup ${daemon} >/dev/null 2>&1 &`);
    await waitFor(async () => (await remoteProcesses(daemon)).length === 1, 5000, 'the daemon to start');
    await expect(node.run(`${stuck}; echo never`, { timeoutMs: 500 })).rejects.toMatchObject({ code: 'timeout' });
    await waitFor(async () => (await remoteProcesses(stuck)).length === 0, 10_000, `${stuck} to be killed`);
    expect(await remoteProcesses(daemon)).toHaveLength(1);
    await run('pkill', ['-f', daemon]);
  });

  it('closeAll cancels a running step and kills its remote process before disconnecting', async () => {
    const node = await executor.session(targetFor(sshd));
    const marker = `sleep 31.${process.pid}3`;
    const lines: string[] = [];
    const pending = node.run(`echo running; ${marker}`, { onStdout: (l) => lines.push(l) });
    await waitFor(() => lines.includes('running'), 5000, 'the step to start');
    await executor.closeAll();
    await expect(pending).rejects.toMatchObject({ code: 'cancelled' });
    await waitFor(async () => (await remoteProcesses(marker)).length === 0, 10_000, `${marker} to be killed`);
    await waitFor(async () => (await sshd.connectionPids()).length === 0, 3000, 'the connection to close');
  });

  it('limits concurrent steps per node to maxShellsPerNode, queueing the rest', async () => {
    const limited = new SshExecutor({ maxShellsPerNode: 2 });
    try {
      const node = await limited.session(targetFor(sshd));
      const started = Date.now();
      const results = await Promise.all([1, 2, 3, 4].map((i) => node.run(`sleep 0.6; echo ${i}`)));
      expect(results.map((r) => r.stdout)).toEqual(['1\n', '2\n', '3\n', '4\n']);
      // Two rounds of two. A lower bound: a slow machine can only make it longer, never break it.
      expect(Date.now() - started).toBeGreaterThanOrEqual(1200);
    } finally {
      await limited.closeAll();
    }
  });

  it('does not start a step whose signal is already aborted', async () => {
    const node = await executor.session(targetFor(sshd));
    const file = `/tmp/opsprint-never-${process.pid}`;
    await expect(node.run(`touch ${file}`, { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'cancelled' });
    expect((await node.run(`test -e ${file}`)).exitCode).toBe(1);
  });

  it('fails a step with connection-lost when the connection dies mid-step, then reconnects', async () => {
    const target = targetFor(sshd);
    const node = await executor.session(target);
    const lines: string[] = [];
    const pending = node.run('echo up; sleep 9', { onStdout: (l) => lines.push(l) });
    await waitFor(() => lines.includes('up'), 5000, 'the step to start');
    const [connectionPid] = await sshd.connectionPids();
    const accepted = countLog(sshd, /Accepted publickey/);
    process.kill(connectionPid, 'SIGKILL'); // the per-connection sshd: the TCP connection drops

    const error = await pending.catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'SshError', code: 'connection-lost', transient: true });

    const again = await executor.session(target);
    expect((await again.run('echo reconnected')).stdout).toBe('reconnected\n');
    expect((await node.run('echo old-handle-works-too')).stdout).toBe('old-handle-works-too\n');
    expect(countLog(sshd, /Accepted publickey/) - accepted).toBe(1);
  });

  it('reconnects transparently when the connection died between steps', async () => {
    const target = targetFor(sshd);
    const node = await executor.session(target);
    expect((await node.run('echo one')).stdout).toBe('one\n');
    const [connectionPid] = await sshd.connectionPids();
    process.kill(connectionPid, 'SIGKILL');
    await waitFor(async () => !(await executor.isConnected(target)), 10_000, 'the client to see the connection close');
    expect((await node.run('echo two')).stdout).toBe('two\n');
  });
});
