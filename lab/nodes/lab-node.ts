import { createHash } from 'node:crypto';
import { createServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import ssh2, { type Connection, type ParsedKey, type ServerChannel } from 'ssh2';
// ssh2 is CommonJS: Node's ESM loader sees only a few of its exports by name (not Server, utils).
const { Server, utils } = ssh2;
import type { LabHost } from './lab-host.js';
import { isStdinShell, runLiveSession } from './live-session.js';
import type { ChannelContext, NodeShell } from './node-shell.js';
import { holdCommandContexts } from './command-context.js';
import { generateKeyPair } from './key-pairs.js';
import { serveSftp } from './sftp-server.js';
import { sudoDecision } from './sudoers.js';

export interface LabNodeOptions {
  host: LabHost;
  shell: NodeShell;
  /** The one public key (OpenSSH "ssh-ed25519 AAAA…" line) allowed to log in. */
  clientPublicKey: string;
  /** Users who may log in with that key (root, and a cloud image's `centos`); default root only. */
  users?: string[];
}

/** `sudo [-n] [-H] [-E] <command>` in front of an exec request: the flags sudo would see. */
function sudoPrefix(command: string): { nonInteractive: boolean } | undefined {
  const match = /^\s*sudo((?:\s+-[A-Za-z]+)*)\s+/.exec(command);
  return match ? { nonInteractive: /-[A-Za-z]*n/.test(match[1] ?? '') } : undefined;
}

/** "SHA256:<base64 without padding>" of a public key, as `ssh-keygen -lf` and OpenSSH print it. */
export function sshFingerprint(publicKey: ParsedKey): string {
  return `SHA256:${createHash('sha256').update(publicKey.getPublicSSH()).digest('base64').replace(/=+$/, '')}`;
}

function parsePublicKey(text: string, field: string): ParsedKey {
  const parsed = utils.parseKey(text);
  if (parsed instanceof Error) throw new Error(`${field}: not a usable SSH public key (${parsed.message})`);
  return Array.isArray(parsed) ? parsed[0]! : parsed;
}

/** ssh2's server keeps the TCP socket on the connection; dropping it abruptly is how a cable pull looks. */
const socketOf = (client: Connection) => (client as unknown as { _sock?: Socket })._sock;

/** One lab machine reachable over real SSH on 127.0.0.1: its own host key, key-only login, exec, live shells, SFTP. */
export class LabNode {
  readonly hostKeyFingerprint: string;
  private readonly ssh: InstanceType<typeof Server>;
  private readonly tcp: NetServer;
  private readonly sockets = new Set<Socket>();
  private releaseContexts: () => void = () => undefined;
  private readonly allowedKey: ParsedKey;
  private reachable = true;

  private constructor(
    private readonly options: LabNodeOptions,
    hostKey: { private: string; public: string },
  ) {
    this.allowedKey = parsePublicKey(options.clientPublicKey, 'clientPublicKey');
    this.hostKeyFingerprint = sshFingerprint(parsePublicKey(hostKey.public, 'hostKey'));
    this.ssh = new Server({ hostKeys: [hostKey.private] }, (client) => this.onClient(client));
    this.tcp = createServer((socket) => {
      if (!this.reachable) return void socket.destroy();
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      socket.setNoDelay(true);
      this.ssh.injectSocket(socket);
    });
  }

  static async start(options: LabNodeOptions): Promise<LabNode> {
    const node = new LabNode(options, generateKeyPair('ed25519'));
    await new Promise<void>((resolve, reject) => {
      node.tcp.once('error', reject);
      node.tcp.listen(0, '127.0.0.1', () => resolve());
    });
    node.releaseContexts = holdCommandContexts();
    return node;
  }

  get name(): string {
    return this.options.host.name;
  }

  get port(): number {
    return (this.tcp.address() as AddressInfo).port;
  }

  /** TCP connections open to this node's SSH port (soak tests check that deployments do not pile them up). */
  get openConnections(): number {
    return this.sockets.size;
  }

  /** Unreachable: new connections are closed at once and open ones are cut. */
  async setReachable(reachable: boolean): Promise<void> {
    this.reachable = reachable;
    if (!reachable) for (const socket of this.sockets) socket.destroy();
  }

  /** Cut every open connection once; new ones are accepted (an address moving to another interface). */
  dropConnections(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.tcp.close(() => resolve()));
    this.releaseContexts();
  }

  private onClient(client: Connection): void {
    const users = this.options.users ?? ['root'];
    let login = 'root';
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => {
      const key = this.allowedKey;
      const matches =
        ctx.method === 'publickey' &&
        users.includes(ctx.username) &&
        ctx.key.algo === key.type &&
        ctx.key.data.equals(key.getPublicSSH()) &&
        (!ctx.signature || key.verify(ctx.blob!, ctx.signature, ctx.hashAlgo) === true);
      if (matches) {
        login = ctx.username;
        ctx.accept();
      } else ctx.reject(['publickey']);
    });
    client.on('ready', () => {
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        const env: Record<string, string> = {};
        let tty = false;
        session.on('env', (accept, _reject, info) => {
          env[info.key] = info.val;
          accept?.();
        });
        session.on('pty', (accept) => {
          tty = true;
          accept?.();
        });
        session.on('window-change', (accept) => accept?.());
        session.on('exec', (accept, _reject, info) => {
          const channel = accept();
          const context = this.channelContext(channel, client, login, tty);
          if (isStdinShell(info.command)) void this.startLiveSession(channel, context, info.command, env);
          else void this.runOnce(channel, context, info.command, env);
        });
        session.on('shell', (accept) => {
          const channel = accept();
          runLiveSession(channel, this.options.shell, this.channelContext(channel, client, login, tty), env);
        });
        session.on('sftp', (accept) => serveSftp(accept(), this.options.host, login));
      });
    });
  }

  /**
   * A `bash -s` session, under `sudo` when the command says so: the node's sudoers policy decides
   * for a login other than root, and a refusal ends the channel with sudo's message and status 1,
   * as sshd would relay it.
   */
  private async startLiveSession(channel: ServerChannel, context: ChannelContext, command: string, env: Record<string, string>) {
    const sudo = sudoPrefix(command);
    if (sudo) {
      const decision = await sudoDecision(this.options.host.fs, context.user ?? 'root', {
        nonInteractive: sudo.nonInteractive,
        tty: context.tty ?? false,
      });
      if (!decision.allowed) {
        channel.stderr.write(`${decision.message}\n`);
        channel.exit(1);
        channel.end();
        return;
      }
      context.user = 'root';
    }
    runLiveSession(channel, this.options.shell, context, env);
  }

  private channelContext(channel: ServerChannel, client: Connection, user: string, tty: boolean): ChannelContext {
    const abort = new AbortController();
    const closed = new Promise<void>((resolve) => {
      const done = () => {
        abort.abort();
        resolve();
      };
      channel.once('close', done);
      client.once('close', done);
    });
    return {
      node: this.name,
      user,
      tty,
      closed,
      signal: abort.signal,
      dropConnection: () => socketOf(client)?.destroy(),
    };
  }

  private async runOnce(channel: ServerChannel, context: ChannelContext, command: string, env: Record<string, string>): Promise<void> {
    let closed = false;
    void context.closed.then(() => (closed = true));
    const result = await this.options.shell.run(command, context, { env });
    if (closed) return;
    if (result.stdout) channel.write(result.stdout);
    if (result.stderr) channel.stderr.write(result.stderr);
    channel.exit(result.exitCode);
    channel.end();
  }
}
