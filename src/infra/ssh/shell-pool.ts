/**
 * A few long-lived shell channels per connection, so a node can run a few steps at once while each
 * channel runs one step at a time. Callers beyond the limit wait for a channel to come back.
 */
import { SshError } from './executor.types.js';
import { ShellChannel, type ShellProcess, type ShellStream } from './shell-channel.js';

interface Waiter {
  resolve(channel: ShellChannel): void;
  reject(error: Error): void;
}

export class ShellPool {
  private readonly idle: ShellChannel[] = [];
  private readonly waiters: Waiter[] = [];
  /** Channels open or being opened, busy or idle. */
  private count = 0;
  private failure: SshError | undefined;
  private readonly all = new Set<ShellChannel>();

  constructor(
    private readonly openStream: () => Promise<ShellStream>,
    private readonly node: string,
    private readonly max: number,
    private readonly startTimeoutMs: number,
    private readonly killProcesses: (shell: ShellProcess) => Promise<void>,
    /** Explains a shell that ended before its first command (sudo refusing, say); the error as is otherwise. */
    private readonly startFailure: (error: unknown) => unknown = (error) => error,
  ) {}

  async acquire(signal?: AbortSignal): Promise<ShellChannel> {
    if (this.failure) throw this.failure;
    while (this.idle.length > 0) {
      const channel = this.idle.pop()!;
      if (channel.alive) return channel;
    }
    if (this.count < this.max) return this.openChannel();
    return new Promise<ShellChannel>((resolve, reject) => {
      const onAbort = () => {
        const index = this.waiters.indexOf(waiter);
        if (index !== -1) this.waiters.splice(index, 1);
        reject(new SshError(`step cancelled on ${this.node} while waiting for a shell`, 'cancelled', this.node));
      };
      const waiter: Waiter = {
        resolve: (channel) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(channel);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  release(channel: ShellChannel): void {
    if (!channel.alive) return; // its close already freed the slot
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve(channel);
    else this.idle.push(channel);
  }

  /** The connection died: every step in flight or waiting fails with the same error. */
  failAll(error: SshError): void {
    this.failure = error;
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
    for (const channel of [...this.all]) channel.fail(error);
    this.idle.length = 0;
  }

  /** Ends every channel; resolves when the processes of steps still running have been killed. */
  async shutdown(): Promise<void> {
    await Promise.all([...this.all].map((channel) => channel.shutdown()));
  }

  private async openChannel(): Promise<ShellChannel> {
    this.count++;
    let stream: ShellStream;
    try {
      stream = await this.openStream();
    } catch (error) {
      this.count--;
      this.serveWaiter();
      throw error;
    }
    // From here the channel's own close gives the slot back.
    const channel = new ShellChannel(stream, this.node, (closed) => this.onChannelClosed(closed), this.killProcesses);
    this.all.add(channel);
    try {
      await channel.probe(this.startTimeoutMs);
    } catch (error) {
      await channel.kill();
      throw this.startFailure(error);
    }
    return channel;
  }

  private onChannelClosed(channel: ShellChannel): void {
    if (!this.all.delete(channel)) return;
    this.count--;
    const index = this.idle.indexOf(channel);
    if (index !== -1) this.idle.splice(index, 1);
    this.serveWaiter();
  }

  /** A slot came free: open a channel for the first caller still waiting. */
  private serveWaiter(): void {
    if (this.failure || this.count >= this.max) return;
    const waiter = this.waiters.shift();
    if (!waiter) return;
    this.openChannel().then(waiter.resolve, waiter.reject);
  }
}
