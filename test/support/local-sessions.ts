import { writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import {
  type CommandResult,
  type NodeSession,
  type RunOptions,
  SessionFactory,
  SshError,
  type SshTarget,
  type UploadOptions,
} from '../../src/infra/ssh/executor.types.js';

export interface RunRecord {
  node: string;
  script: string;
}

/**
 * Sessions that run each step with the local bash instead of over SSH: the engine tier tests
 * the runner, the ledger and the coordinator without lab nodes. Steps really run (exit codes,
 * output, `sleep`), each in its own process group, killed on cancel or timeout like the executor's.
 */
export class LocalSessionFactory extends SessionFactory {
  readonly runs: RunRecord[] = [];
  /** Awaited before every command: tests look at the ledger there, or hold a step. */
  beforeRun?: (node: string, script: string) => Promise<void> | void;
  private readonly faults: { match: string; error: SshError }[] = [];

  /** The next command containing `match` fails with this executor error instead of running. */
  failNext(match: string, code: SshError['code']): void {
    this.faults.push({ match, error: new SshError(`injected ${code}`, code, 'local') });
  }

  async session(target: SshTarget): Promise<NodeSession> {
    return new LocalSession(target.name, this);
  }

  /** For LocalSession. */
  async take(node: string, script: string): Promise<void> {
    await this.beforeRun?.(node, script);
    const index = this.faults.findIndex((fault) => script.includes(fault.match));
    if (index !== -1) throw this.faults.splice(index, 1)[0].error;
    this.runs.push({ node, script });
  }
}

class LocalSession implements NodeSession {
  constructor(
    readonly target: string,
    private readonly factory: LocalSessionFactory,
  ) {}

  async run(script: string, options: RunOptions = {}): Promise<CommandResult> {
    await this.factory.take(this.target, script);
    const started = performance.now();
    return new Promise<CommandResult>((resolve, reject) => {
      const child = spawn('bash', ['--noprofile', '--norc', '-c', script], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      let stdout = '';
      let stderr = '';
      let stopped: SshError | undefined;
      const kill = (error: SshError) => {
        stopped = error;
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      };
      const timer = options.timeoutMs
        ? setTimeout(() => kill(new SshError(`step timed out after ${options.timeoutMs} ms`, 'timeout', this.target)), options.timeoutMs)
        : undefined;
      const onAbort = () => kill(new SshError('step cancelled', 'cancelled', this.target));
      if (options.signal?.aborted) onAbort();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk;
        for (const line of chunk.toString().split('\n').filter(Boolean)) options.onStdout?.(line);
      });
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk;
        for (const line of chunk.toString().split('\n').filter(Boolean)) options.onStderr?.(line);
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        if (stopped) return reject(stopped);
        resolve({ exitCode: code ?? 1, stdout, stderr, durationMs: performance.now() - started });
      });
    });
  }

  /** Writes the file on this machine (the engine then sets owner and mode with its own command). */
  async upload(path: string, content: string | Buffer, options: UploadOptions): Promise<{ backupPath?: string }> {
    await this.factory.take(this.target, `# upload ${path} (${content.length} bytes)`);
    writeFileSync(path, content, { mode: Number.parseInt(options.mode, 8) });
    return {};
  }
}
