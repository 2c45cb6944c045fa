/**
 * One long-lived `bash -s` channel on a node: steps are written into it one at a time and read
 * back up to their end markers. A step that times out or is cancelled is killed with its process
 * group and takes the channel down with it (the channel is closed); the pool opens a fresh one.
 */
import { StringDecoder } from 'node:string_decoder';
import { SshError, type RunOptions } from './executor.types.js';
import { FramedStreamReader, frameStep, SHELL_PRELUDE } from './step-framing.js';

/** The part of an ssh2 exec channel this file needs (ssh2 itself stays in ssh-executor.ts). */
export interface ShellStream {
  write(data: string): unknown;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  on(event: 'exit', listener: (code: number | null, signal?: string) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  stderr: { on(event: 'data', listener: (chunk: Buffer) => void): unknown };
  signal(name: string): unknown;
  close(): unknown;
}

/** The live shell on the node: its pid (the parent of each step's subshell) and its process group. */
export interface ShellProcess {
  pid: number;
  group: number;
}

export interface StepOutput {
  exitCode: number;
  stdout: string;
  stderr: string;
}

interface ActiveStep {
  stdout: FramedStreamReader;
  stderr: FramedStreamReader;
  resolve(output: StepOutput): void;
  reject(error: SshError): void;
}

export class ShellChannel {
  private active: ActiveStep | undefined;
  private open = true;
  private exitNote = '';
  /** Stderr seen between steps: the only clue when the shell itself failed to start (e.g. sudo). */
  private strayStderr = '';
  private lostError: SshError | undefined;

  /** The shell's pid and process group on the node, learned by probe(). */
  private shellProcess: ShellProcess | undefined;

  constructor(
    private readonly stream: ShellStream,
    private readonly node: string,
    private readonly onClosed: (channel: ShellChannel) => void,
    private readonly killProcesses: (shell: ShellProcess) => Promise<void>,
  ) {
    const outDecoder = new StringDecoder('utf8');
    const errDecoder = new StringDecoder('utf8');
    stream.on('data', (chunk) => this.onData('stdout', outDecoder.write(chunk)));
    stream.stderr.on('data', (chunk) => this.onData('stderr', errDecoder.write(chunk)));
    stream.on('exit', (code, signal) => (this.exitNote = signal ? `signal ${signal}` : `exit code ${code}`));
    stream.on('close', () => this.onClose());
    // e.g. a write racing the remote end's close; without a listener it would crash the process.
    stream.on('error', (error) => (this.exitNote ||= error.message));
  }

  get alive(): boolean {
    return this.open;
  }

  run(script: string, options: RunOptions = {}): Promise<StepOutput> {
    if (this.active) throw new Error('ShellChannel runs one step at a time');
    if (!this.open) return Promise.reject(this.lostError ?? this.closedError());
    if (options.signal?.aborted) {
      return Promise.reject(new SshError(`step cancelled on ${this.node} before it started`, 'cancelled', this.node));
    }
    const { id, line } = frameStep(script);
    return new Promise<StepOutput>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const onAbort = () => this.abort(new SshError(`step cancelled on ${this.node}`, 'cancelled', this.node));
      const cleanup = () => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        this.active = undefined;
      };
      this.active = {
        stdout: new FramedStreamReader(id, 'stdout', guarded(options.onStdout)),
        stderr: new FramedStreamReader(id, 'stderr', guarded(options.onStderr)),
        resolve: (output) => {
          cleanup();
          resolve(output);
        },
        reject: (error) => {
          cleanup();
          reject(error);
        },
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      if (options.timeoutMs !== undefined) {
        timer = setTimeout(
          () => this.abort(new SshError(`step timed out after ${options.timeoutMs} ms on ${this.node}`, 'timeout', this.node)),
          options.timeoutMs,
        );
      }
      this.stream.write(line);
    });
  }

  /**
   * Turns job control on (each step gets its own process group) and learns the shell's pid and
   * process group (sshd makes every session its own group), so a step that must die can be killed
   * with everything it started. A node without /proc (a lab node) has none.
   */
  async probe(timeoutMs: number): Promise<void> {
    this.stream.write(SHELL_PRELUDE);
    // Field 5 of /proc/PID/stat is the process group; builtins only, so the probe forks nothing more.
    // In the step's subshell $$ is still the shell's pid.
    const { exitCode, stdout } = await this.run('read -r _ _ _ _ group _ < /proc/$$/stat && echo "$group $$"', { timeoutMs }).catch(
      (error: unknown) => {
        if (!(error instanceof SshError) || error.code !== 'timeout') throw error;
        // What the step timeout would say ("step timed out") misleads here: no step ran yet.
        throw new SshError(
          `${this.node}: the new shell did not answer within ${timeoutMs / 1000} s, before any step ran. Something sshd runs at login holds it (e.g. a ~/.bashrc that Debian's bash reads for ssh commands, waiting on a lock or a prompt), or the host is too busy to start bash`,
          'timeout',
          this.node,
        );
      },
    );
    const [group, pid] = stdout.trim().split(' ').map(Number);
    // Never 0 or 1: `kill -- -1` would signal every process the killer may signal.
    const usable = (n: number | undefined): n is number => Number.isInteger(n) && n! > 1;
    if (exitCode === 0 && usable(group) && usable(pid)) this.shellProcess = { group, pid };
  }

  /**
   * Kills whatever runs in the channel and closes it (timeouts, cancels). Resolves once the kill
   * command has run, so a shutdown can wait for it before dropping the connection.
   */
  kill(): Promise<void> {
    if (!this.open) return Promise.resolve();
    this.open = false;
    // sshd ignores the "signal" request for root sessions (they run without privilege separation),
    // so the step's group and the shell's are also killed from a separate channel.
    const killed = this.shellProcess ? this.killProcesses(this.shellProcess).catch(() => undefined) : Promise.resolve();
    try {
      this.stream.signal('KILL');
      this.stream.close();
    } catch {
      // the channel is already going away
    }
    this.onClosed(this);
    return killed;
  }

  /** Closes the channel; a step still running is cancelled and killed, an idle shell just ends. */
  shutdown(): Promise<void> {
    if (this.active) {
      this.active.reject(new SshError(`step cancelled on ${this.node}: executor closing`, 'cancelled', this.node));
      return this.kill();
    }
    if (this.open) {
      this.open = false;
      try {
        this.stream.close();
      } catch {
        // already closing
      }
      this.onClosed(this);
    }
    return Promise.resolve();
  }

  /** The connection under the channel is gone. */
  fail(error: SshError): void {
    this.lostError = error;
    this.active?.reject(error);
    if (this.open) {
      this.open = false;
      this.onClosed(this);
    }
  }

  private abort(error: SshError): void {
    this.active?.reject(error);
    void this.kill();
  }

  private onData(stream: 'stdout' | 'stderr', text: string): void {
    const step = this.active;
    if (!step) {
      if (stream === 'stderr') this.strayStderr = (this.strayStderr + text).slice(-2000);
      return; // output of a background process left by an earlier step: it belongs to no step
    }
    step[stream].push(text);
    if (step.stdout.done && step.stderr.done) {
      step.resolve({ exitCode: step.stdout.exitCode ?? -1, stdout: step.stdout.text, stderr: step.stderr.text });
    }
  }

  private onClose(): void {
    const wasOpen = this.open;
    this.open = false;
    this.active?.reject(this.lostError ?? this.closedError(this.active.stderr.text));
    if (wasOpen) this.onClosed(this);
  }

  private closedError(stepStderr = ''): SshError {
    const detail = [this.exitNote, (this.strayStderr + stepStderr).trim().slice(-500)].filter(Boolean).join(': ');
    return new SshError(`shell channel on ${this.node} closed mid-step${detail ? ` (${detail})` : ''}`, 'connection-lost', this.node);
  }
}

/** A throwing output callback must not break the framing of the stream. */
function guarded(listener: ((line: string) => void) | undefined): ((line: string) => void) | undefined {
  if (!listener) return undefined;
  return (line) => {
    try {
      listener(line);
    } catch {
      // the caller's listener failed; the step's output is still collected and returned
    }
  };
}
