/**
 * A NodeSession over a pooled connection. The connection is looked up per call, so a connection
 * that died between steps is replaced transparently; one that dies mid-step fails that step with
 * 'connection-lost' (transient: the step ledger makes the retry safe).
 */
import type { CommandResult, NodeSession, RunOptions, UploadOptions } from './executor.types.js';
import { uploadFile } from './remote-upload.js';
import type { ShellPool } from './shell-pool.js';

export interface NodeConnection {
  readonly shells: ShellPool;
  writeFile(remotePath: string, content: Buffer): Promise<void>;
}

export class SshNodeSession implements NodeSession {
  constructor(
    readonly target: string,
    private readonly isRoot: boolean,
    private readonly connection: () => Promise<NodeConnection>,
    private readonly backupRoot?: string,
  ) {}

  async run(script: string, options: RunOptions = {}): Promise<CommandResult> {
    if (typeof script !== 'string') throw new TypeError(`run: script must be a string, got ${typeof script}`);
    const { timeoutMs } = options;
    if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
      throw new TypeError(`run: options.timeoutMs must be a positive number of milliseconds, got ${timeoutMs}`);
    }
    const started = performance.now();
    const connection = await this.connection();
    const shell = await connection.shells.acquire(options.signal);
    try {
      const output = await shell.run(script, options);
      return { ...output, durationMs: Math.round((performance.now() - started) * 1000) / 1000 };
    } finally {
      connection.shells.release(shell);
    }
  }

  async upload(path: string, content: string | Buffer, options: UploadOptions): Promise<{ backupPath?: string }> {
    const connection = await this.connection();
    return uploadFile(
      {
        node: this.target,
        isRoot: this.isRoot,
        backupRoot: this.backupRoot,
        run: (script) => this.run(script),
        writeFile: (remotePath, data) => connection.writeFile(remotePath, data),
      },
      path,
      content,
      options,
    );
  }
}
