import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { Runtime } from '../../config/runtime.js';

/** A line of live output, already masked. */
export interface LogLine {
  deploymentId: string;
  phaseKey: string;
  node: string;
  stepKey: string;
  stream: 'stdout' | 'stderr' | 'status';
  line: string;
  at: string;
}

/**
 * Redis pub/sub between processes: cancel requests reach whichever worker runs the phase,
 * and live step output reaches whichever API process holds the SSE stream.
 */
@Injectable()
export class DeploymentSignals implements OnApplicationShutdown {
  private readonly publisher: Redis;
  private subscriber: Redis | undefined;
  private readonly handlers = new Map<string, Set<(message: string) => void>>();
  private readonly redisUrl: string;
  private readonly prefix: string;

  constructor(runtime: Runtime) {
    this.redisUrl = runtime.redisUrl;
    this.prefix = runtime.config.app.QUEUE_PREFIX;
    this.publisher = new Redis(this.redisUrl, { maxRetriesPerRequest: 3 });
    // The job queue logs a Redis outage once; without a listener ioredis prints a stack per reconnect.
    this.publisher.on('error', () => undefined);
  }

  private channel(kind: 'cancel' | 'logs', deploymentId?: string): string {
    return kind === 'cancel' ? `${this.prefix}:signals:cancel` : `${this.prefix}:signals:logs:${deploymentId}`;
  }

  async requestCancel(deploymentId: string): Promise<void> {
    await this.publisher.publish(this.channel('cancel'), deploymentId);
  }

  async onCancel(handler: (deploymentId: string) => void): Promise<() => Promise<void>> {
    return this.subscribe(this.channel('cancel'), handler);
  }

  publishLog(line: LogLine): void {
    // Fire and forget: live logs are a view; the ledger in PostgreSQL is the record.
    this.publisher.publish(this.channel('logs', line.deploymentId), JSON.stringify(line)).catch(() => undefined);
  }

  async onLog(deploymentId: string, handler: (line: LogLine) => void): Promise<() => Promise<void>> {
    return this.subscribe(this.channel('logs', deploymentId), (message) => handler(JSON.parse(message) as LogLine));
  }

  private async subscribe(channel: string, handler: (message: string) => void): Promise<() => Promise<void>> {
    if (!this.subscriber) {
      this.subscriber = new Redis(this.redisUrl, { maxRetriesPerRequest: null });
      this.subscriber.on('error', () => undefined);
      this.subscriber.on('message', (ch: string, message: string) => {
        for (const handler of this.handlers.get(ch) ?? []) handler(message);
      });
    }
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
      await this.subscriber.subscribe(channel);
    }
    set.add(handler);
    return async () => {
      set.delete(handler);
      if (set.size === 0 && this.handlers.get(channel) === set) {
        this.handlers.delete(channel);
        await this.subscriber?.unsubscribe(channel);
      }
    };
  }

  async onApplicationShutdown(): Promise<void> {
    this.subscriber?.disconnect();
    this.publisher.disconnect();
  }
}
