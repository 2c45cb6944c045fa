import { createHash, randomUUID } from 'node:crypto';
import { Client, type ClientChannel, type SFTPWrapper } from 'ssh2';
import type { InventoryNode } from '../../src/runbooks/model.js';
import { frameStep } from '../../src/infra/ssh/step-framing.js';

/** Test-side SSH helpers: a real ssh2 client speaking to lab nodes the way the executor does. */
export interface ExecOutcome {
  stdout: string;
  stderr: string;
  exitCode: number | null;
}

const closedClients = new WeakSet<Client>();

export function connectTo(node: InventoryNode, privateKey: string, options: { expectFingerprint?: string } = {}): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    client.once('ready', () => {
      client.off('error', reject);
      // A lab that stops (or a fault that cuts the line) resets the socket; tests look at 'close' instead.
      client.on('error', () => undefined);
      client.once('close', () => closedClients.add(client));
      resolve(client);
    });
    client.once('error', reject);
    client.connect({
      host: node.ssh.host,
      port: node.ssh.port,
      username: node.ssh.user,
      privateKey,
      readyTimeout: 5000,
      hostVerifier: (key: Buffer) => {
        const seen = `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
        return seen === (options.expectFingerprint ?? node.ssh.hostKeyFingerprint);
      },
    });
  });
}

/** End the connection and wait until the socket is closed, so a test leaves no handle open. */
export function disconnect(client: Client | undefined): Promise<void> {
  if (!client || closedClients.has(client)) return Promise.resolve();
  return new Promise((resolve) => {
    client.once('close', () => resolve());
    client.end();
  });
}

export function execOn(client: Client, command: string): Promise<ExecOutcome> {
  return new Promise((resolve, reject) => {
    client.exec(command, (error, channel) => {
      if (error) return reject(error);
      const out = { stdout: '', stderr: '', exitCode: null as number | null };
      channel.on('data', (d: Buffer) => (out.stdout += d.toString()));
      channel.stderr.on('data', (d: Buffer) => (out.stderr += d.toString()));
      channel.on('exit', (code: number | null) => (out.exitCode = code));
      channel.on('close', () => resolve(out));
    });
  });
}

export function sftpOf(client: Client): Promise<SFTPWrapper> {
  return new Promise((resolve, reject) => client.sftp((error, sftp) => (error ? reject(error) : resolve(sftp))));
}

/** The executor's live-session framing: one `bash -s` per connection, each step one line ending in stdout/stderr markers. */
export class FramedShell {
  private stdout = '';
  private stderr = '';
  private waiter?: () => void;
  private closed = false;

  private constructor(private readonly channel: ClientChannel) {
    channel.on('close', () => {
      this.closed = true;
      this.waiter?.();
    });
    channel.on('data', (d: Buffer) => {
      this.stdout += d.toString();
      this.waiter?.();
    });
    channel.stderr.on('data', (d: Buffer) => {
      this.stderr += d.toString();
      this.waiter?.();
    });
  }

  static open(client: Client, command = 'bash --noprofile --norc -s'): Promise<FramedShell> {
    return new Promise((resolve, reject) =>
      client.exec(command, (error, channel) => (error ? reject(error) : resolve(new FramedShell(channel)))),
    );
  }

  /** Write a raw line into the session (for lines that are not framed steps). */
  write(line: string): void {
    this.channel.write(`${line}\n`);
  }

  /** Wait until stdout contains `text`, and return everything up to and including it. */
  async readUntil(text: string): Promise<string> {
    for (;;) {
      const at = this.stdout.indexOf(text);
      if (at >= 0) {
        const out = this.stdout.slice(0, at + text.length);
        this.stdout = this.stdout.slice(at + text.length);
        return out;
      }
      if (this.closed) throw new Error('live session closed before the output came');
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
  }

  async run(script: string): Promise<{ stdout: string; stderr: string; exitCode: number }> {
    const id = randomUUID().replace(/-/g, '');
    this.channel.write(frameStep(script, id).line);
    const outMarker = new RegExp(`\\n__OPSPRINT_END_${id}_(\\d+)__\\n`);
    const errMarker = `\n__OPSPRINT_END_${id}__\n`;
    for (;;) {
      const out = outMarker.exec(this.stdout);
      const errAt = this.stderr.indexOf(errMarker);
      if (out && errAt >= 0) {
        const result = { stdout: this.stdout.slice(0, out.index), stderr: this.stderr.slice(0, errAt), exitCode: Number(out[1]) };
        this.stdout = this.stdout.slice(out.index + out[0].length);
        this.stderr = this.stderr.slice(errAt + errMarker.length);
        return result;
      }
      if (this.closed) throw new Error('live session closed before the step ended');
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
  }

  /** Give up on the session (what a client does after a step timeout): close the channel without waiting. */
  close(): void {
    this.channel.close();
  }

  end(): Promise<number | null> {
    return new Promise((resolve) => {
      let code: number | null = null;
      this.channel.on('exit', (c: number | null) => (code = c));
      this.channel.once('close', () => resolve(code));
      this.channel.end();
    });
  }
}
