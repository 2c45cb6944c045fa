/**
 * The only file that talks to `ssh2`. One pooled connection per node and credentials (host, port,
 * user, client key, host-key pin), shared by every step and every concurrent caller, carrying a few long-lived shell channels and one lazily
 * opened SFTP channel. Key exchange costs tens of ms of CPU and every new session ~100 ms of sshd
 * time (notes/ssh-performance.md), so both happen once per node, not per step.
 */
import { metrics } from '../metrics/metrics.js';
import { createHash } from 'node:crypto';
import { Socket } from 'node:net';
import ssh2, { Client, type ClientChannel, type SFTPWrapper } from 'ssh2';
import { type NodeSession, SessionFactory, SshError, type SshTarget } from './executor.types.js';
import { decideHostKey, openSshFingerprint } from './host-key.js';
import type { ShellProcess, ShellStream } from './shell-channel.js';
import { ShellPool } from './shell-pool.js';
import { SshNodeSession, type NodeConnection } from './ssh-node-session.js';

const CLOSE_GRACE_MS = 3000;

export interface SshExecutorOptions {
  /** Concurrent steps per node, one shell channel each (sshd allows 10 sessions per connection by default). */
  maxShellsPerNode?: number;
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  /** Used when the target sets no connectTimeoutMs. */
  connectTimeoutMs?: number;
  /** How long a new shell channel may take to answer its first command (a login script can hold it). */
  shellStartTimeoutMs?: number;
  /** Where previous versions of uploaded files are kept on the node (root-only); tests on this machine use a temp dir. */
  backupRoot?: string;
}

export class SshExecutor implements SessionFactory {
  private readonly pool = new Map<string, Promise<LiveConnection>>();
  private readonly options: Required<Omit<SshExecutorOptions, 'backupRoot'>> & Pick<SshExecutorOptions, 'backupRoot'>;

  constructor(options: SshExecutorOptions = {}) {
    this.options = {
      maxShellsPerNode: 4,
      keepaliveIntervalMs: 15_000,
      keepaliveCountMax: 3,
      connectTimeoutMs: 20_000,
      shellStartTimeoutMs: 30_000,
      ...options,
    };
  }

  /** Connects (or reuses the node's live connection) and returns a session bound to the target. */
  async session(target: SshTarget): Promise<NodeSession> {
    validateTarget(target);
    const key = poolKey(target);
    await this.connection(target, key);
    return new SshNodeSession(target.name, target.username === 'root', () => this.connection(target, key), this.options.backupRoot);
  }

  /** Whether a live connection to the target is pooled; false once this side has seen it close (tests wait for that). */
  async isConnected(target: SshTarget): Promise<boolean> {
    const connection = await this.pool.get(poolKey(target))?.catch(() => undefined);
    return connection?.alive ?? false;
  }

  /** Nest calls this after the queues handed their jobs back. */
  async onApplicationShutdown(): Promise<void> {
    await this.closeAll();
  }

  async closeAll(): Promise<void> {
    const entries = [...this.pool.values()];
    this.pool.clear();
    await Promise.all(
      entries.map((entry) =>
        entry.then(
          (connection) => connection.close(),
          () => undefined,
        ),
      ),
    );
  }

  private async connection(target: SshTarget, key: string): Promise<LiveConnection> {
    for (;;) {
      const entry = this.pool.get(key);
      if (!entry) break;
      const connection = await entry.catch(() => undefined);
      if (connection?.alive) return checkPin(connection, target);
      // Another caller may have replaced the dead entry while we waited.
      if (this.pool.get(key) === entry) this.pool.delete(key);
    }
    const attempt = connect(target, this.options);
    this.pool.set(key, attempt);
    attempt.then(
      (connection) => {
        metrics.sshConnections.inc();
        connection.onClose(() => {
          metrics.sshConnections.dec();
          if (this.pool.get(key) === attempt) this.pool.delete(key);
        });
      },
      () => this.pool.get(key) === attempt && this.pool.delete(key),
    );
    return attempt;
  }
}

/**
 * Everything that authenticates either side is part of the key: a target naming the same host with
 * another private key or another pinned host key must authenticate on its own connection, never
 * ride one opened with somebody else's credentials. The key stays in memory only.
 */
function poolKey(target: SshTarget): string {
  const parsed = ssh2.utils.parseKey(target.privateKey);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || key instanceof Error) {
    const reason = key instanceof Error ? key.message : 'no key found';
    throw new SshError(`${target.name}: target.privateKey is unusable: ${reason}`, 'auth', target.name);
  }
  const clientKey = createHash('sha256').update(key.getPublicSSH()).digest('base64');
  const hostKey = target.hostKeyFingerprint?.trim().replace(/=+$/, '') ?? (target.trustOnFirstUse ? 'tofu' : 'unpinned');
  return JSON.stringify([target.host, target.port, target.username, clientKey, hostKey]);
}

/** Checked on every hand-out, not only at the handshake: the pin is the caller's, the key the host's. */
function checkPin(connection: LiveConnection, target: SshTarget): LiveConnection {
  const decision = decideHostKey(connection.hostKeyFingerprint, target.hostKeyFingerprint, target.trustOnFirstUse);
  if (!decision.accept) throw new SshError(`${target.name}: ${decision.reason}`, 'host-key', target.name);
  return connection;
}

class LiveConnection implements NodeConnection {
  readonly shells: ShellPool;
  private sftpChannel: Promise<SFTPWrapper> | undefined;
  private open = true;
  private readonly closeListeners: Array<() => void> = [];

  constructor(
    private readonly client: Client,
    private readonly node: string,
    shellCommand: string,
    maxShells: number,
    shellStartTimeoutMs: number,
    private readonly sudo: boolean,
    /** The fingerprint the host presented at the handshake. */
    readonly hostKeyFingerprint: string,
  ) {
    this.shells = new ShellPool(
      () => this.exec(shellCommand),
      node,
      maxShells,
      shellStartTimeoutMs,
      (shell) => this.killStep(shell),
      (error) => this.shellStartFailure(error),
    );
    client.on('close', () => {
      this.open = false;
      this.shells.failAll(new SshError(`connection to ${node} lost`, 'connection-lost', node));
      for (const listener of this.closeListeners) listener();
    });
  }

  get alive(): boolean {
    return this.open;
  }

  onClose(listener: () => void): void {
    if (this.open) this.closeListeners.push(listener);
    else listener();
  }

  async writeFile(remotePath: string, content: Buffer): Promise<void> {
    this.sftpChannel ??= new Promise<SFTPWrapper>((resolve, reject) =>
      this.client.sftp((error, sftp) => {
        if (error) return reject(new SshError(`cannot open SFTP on ${this.node}: ${error.message}`, 'sftp', this.node));
        sftp.on('close', () => (this.sftpChannel = undefined));
        sftp.on('error', () => undefined); // each failed write rejects its own callback
        resolve(sftp);
      }),
    );
    const sftp = await this.sftpChannel.catch((error: unknown) => {
      this.sftpChannel = undefined;
      throw error;
    });
    await new Promise<void>((resolve, reject) =>
      sftp.writeFile(remotePath, content, { mode: 0o600 }, (error) =>
        error ? reject(new SshError(`SFTP write of ${remotePath} on ${this.node}: ${error.message}`, 'sftp', this.node)) : resolve(),
      ),
    );
  }

  /** Waits (briefly) for running steps to be killed: a root session's processes outlive the connection. */
  async close(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.shells.shutdown(), new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS)))]);
    clearTimeout(timer);
    this.client.end();
  }

  /**
   * A sudo shell that closes before its first command while the connection stays up was refused
   * by sudo (a password required, requiretty, no rule): not worth retrying, and the operator needs
   * to know what to change on the host.
   */
  private shellStartFailure(error: unknown): unknown {
    if (!this.sudo || !this.open || !(error instanceof SshError) || error.code !== 'connection-lost') return error;
    const said = /\((?:exit code \d+: )?(sudo: [^)]*)\)$/.exec(error.message)?.[1];
    if (!said) return error;
    return new SshError(
      `${this.node}: the login user cannot run the steps as root: \`sudo -n bash\` answered "${said}". Give that user passwordless sudo (e.g. "<user> ALL=(ALL) NOPASSWD:ALL" in /etc/sudoers.d) without requiretty, or log in as root.`,
      'privilege',
      this.node,
    );
  }

  /**
   * Runs in its own exec channel because the step's shell channel is the one that is stuck. Kills
   * the process group of each step subshell of the shell (job control gives every step its own),
   * then the shell's own group; what earlier steps left running in the background survives.
   */
  private async killStep(shell: ShellProcess): Promise<void> {
    const steps = `$(for p in $(pgrep -P ${shell.pid}); do echo "-$p"; done)`;
    const channel = await this.exec(`${this.sudo ? 'sudo -n ' : ''}kill -KILL -- ${steps} -${shell.group}`);
    await new Promise<void>((resolve) => {
      channel.on('close', resolve);
      channel.on('error', () => undefined);
      channel.on('data', () => undefined);
      channel.stderr.on('data', () => undefined);
    });
  }

  private exec(command: string): Promise<ShellStream> {
    return new Promise((resolve, reject) => {
      if (!this.open) return reject(new SshError(`connection to ${this.node} lost`, 'connection-lost', this.node));
      this.client.exec(command, (error, channel: ClientChannel) => {
        if (error) return reject(new SshError(`cannot open a shell on ${this.node}: ${error.message}`, 'connection-lost', this.node));
        resolve(channel);
      });
    });
  }
}

function connect(target: SshTarget, options: Required<Omit<SshExecutorOptions, 'backupRoot'>>): Promise<LiveConnection> {
  const node = target.name;
  const client = new Client();
  let hostKeyRefusal: string | undefined;
  let learned: string | undefined;
  let presented = '';
  return new Promise<LiveConnection>((resolve, reject) => {
    const sock = new Socket();
    // Nagle would hold each short step line back waiting for an ACK (115 → 74 ms per exec in the notes).
    sock.setNoDelay(true);
    sock.connect(target.port, target.host);
    const fail = (error: SshError) => {
      client.end();
      sock.destroy();
      reject(error);
    };
    let settled = false;
    // ssh2 can emit several errors for one failure (timeout, then "lost before handshake"), and an
    // error without a listener would crash the process: this listener stays for the client's life.
    client.on('error', (error: Error & { level?: string }) => {
      if (settled) return;
      settled = true;
      fail(connectError(node, target, error, hostKeyRefusal));
    });
    client.once('ready', () => {
      settled = true;
      const sudo = target.username !== 'root';
      // -n: fail instead of prompting for a password nobody can type; -H: steps see root's home, as when logged in as root.
      const shellCommand = `${sudo ? 'sudo -n -H ' : ''}bash --noprofile --norc -s`;
      const connection = new LiveConnection(
        client,
        node,
        shellCommand,
        options.maxShellsPerNode,
        options.shellStartTimeoutMs,
        sudo,
        presented,
      );
      if (!learned) return resolve(connection);
      const fingerprint = learned;
      Promise.resolve()
        .then(() => target.onHostKeyLearned?.(fingerprint))
        .then(
          () => resolve(connection),
          (error: unknown) => {
            void connection.close();
            reject(new SshError(`${node}: could not record learned host key ${fingerprint}: ${String(error)}`, 'host-key', node));
          },
        );
    });

    try {
      client.connect({
        sock,
        username: target.username,
        privateKey: target.privateKey,
        readyTimeout: target.connectTimeoutMs ?? options.connectTimeoutMs,
        keepaliveInterval: options.keepaliveIntervalMs,
        keepaliveCountMax: options.keepaliveCountMax,
        hostVerifier: (key: Buffer) => {
          presented = openSshFingerprint(key);
          const decision = decideHostKey(presented, target.hostKeyFingerprint, target.trustOnFirstUse);
          if (!decision.accept) hostKeyRefusal = decision.reason;
          else learned = decision.learned;
          return decision.accept;
        },
      });
    } catch (error) {
      // ssh2 parses the private key synchronously
      settled = true;
      fail(new SshError(`${node}: target.privateKey is unusable: ${(error as Error).message}`, 'auth', node));
    }
  });
}

function connectError(node: string, target: SshTarget, error: Error & { level?: string }, hostKeyRefusal?: string): SshError {
  const where = `${target.username}@${target.host}:${target.port}`;
  if (hostKeyRefusal) return new SshError(`${node} (${where}): ${hostKeyRefusal}`, 'host-key', node);
  if (error.level === 'client-authentication') {
    return new SshError(`${node} (${where}): authentication refused for user ${target.username}`, 'auth', node);
  }
  return new SshError(`${node} (${where}): cannot connect: ${error.message}`, 'connect', node);
}

function validateTarget(target: SshTarget): void {
  const problems: string[] = [];
  if (!target?.name) problems.push('name is required');
  if (!target?.host) problems.push('host is required');
  if (!Number.isInteger(target?.port) || target.port < 1 || target.port > 65535) problems.push(`port must be 1-65535, got ${target?.port}`);
  if (!target?.username) problems.push('username is required');
  if (!target?.privateKey || target.privateKey.length === 0) problems.push('privateKey is required');
  if (problems.length > 0) throw new TypeError(`SSH target ${target?.name ?? '?'}: ${problems.join('; ')}`);
}
