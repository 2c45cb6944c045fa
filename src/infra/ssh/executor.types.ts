/** The contract between the engine and a node, whatever carries it (ssh2 to a real host or a lab node). */

export interface SshTarget {
  /** Node name, for logs and errors. */
  name: string;
  host: string;
  port: number;
  username: string;
  privateKey: string | Buffer;
  /** Pinned fingerprint, "SHA256:<base64>" as OpenSSH prints it. */
  hostKeyFingerprint?: string;
  /** When no fingerprint is pinned: accept the key and report it through onHostKeyLearned. */
  trustOnFirstUse?: boolean;
  onHostKeyLearned?: (fingerprint: string) => void | Promise<void>;
  connectTimeoutMs?: number;
}

export interface RunOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  onStdout?: (line: string) => void;
  onStderr?: (line: string) => void;
}

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface UploadOptions {
  mode: string;
  owner: string;
  group: string;
  /** Copy the previous version aside before replacing it; returns the backup path. */
  backup: boolean;
}

export interface NodeSession {
  readonly target: string;
  /** Run a shell script in isolation (own subshell, no stdin); never rejects for a non-zero exit. */
  run(script: string, options?: RunOptions): Promise<CommandResult>;
  upload(path: string, content: string | Buffer, options: UploadOptions): Promise<{ backupPath?: string }>;
}

/** What the engine needs from an SSH executor (SshExecutor over real hosts and lab nodes alike); also its injection token. */
export abstract class SessionFactory {
  abstract session(target: SshTarget): Promise<NodeSession>;
}

export class SshError extends Error {
  constructor(
    message: string,
    readonly code: 'connect' | 'auth' | 'host-key' | 'privilege' | 'timeout' | 'cancelled' | 'connection-lost' | 'sftp',
    readonly node: string,
  ) {
    super(message);
    this.name = 'SshError';
  }
  /** Worth retrying with backoff (the step ledger makes the retry safe). */
  get transient(): boolean {
    return this.code === 'connect' || this.code === 'connection-lost' || this.code === 'timeout';
  }
}
