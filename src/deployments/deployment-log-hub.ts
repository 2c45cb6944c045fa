import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { metrics } from '../infra/metrics/metrics.js';
import { DeploymentSignals, type LogLine } from '../infra/signals/deployment-signals.js';
import { isClosedDeployment } from '../persistence/ledger-status.js';
import { DeploymentRepository } from '../persistence/repositories/deployment.repository.js';

/** How often the hub asks PostgreSQL whether the followed deployments are closed: one query for all of them. */
const POLL_MS = 1000;

/** Why a followed deployment's stream ends: its final status (or `deleted`) and failure reason. */
export interface LogEnd {
  status: string;
  error: string | null;
}

/** One stream's end of the hub: live lines in publication order, then at most one `end` or `close`. */
export interface LogListener {
  line(line: LogLine): void;
  end(end: LogEnd): void;
  /** This process is shutting down: close the stream without an end (the client reconnects elsewhere). */
  close(): void;
}

/** The hubs of this process (one per application; tests run several) whose counts the gauges sum. */
const hubs = new Set<DeploymentLogHub>();

/** The shared subscription of one deployment: one Redis channel, the streams attached to it. */
interface Feed {
  listeners: Set<LogListener>;
  /** Settles once the Redis subscription is in place: lines published after that reach every listener. */
  ready: Promise<() => Promise<void>>;
  dropped: boolean;
}

/**
 * Serves every log stream of this process from one subscription per deployment: the first stream
 * of a deployment subscribes to its Redis channel, later ones attach to it, the last to leave
 * unsubscribes. Whether a followed deployment has finished is asked once per second for all of
 * them in one query, not once per stream (200 streams each polling PostgreSQL slowed the API
 * down for everyone). The backlog (the ledger replay) stays per stream: each reads it once.
 */
@Injectable()
export class DeploymentLogHub implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('DeploymentLogHub');
  private readonly feeds = new Map<string, Feed>();
  private streams = 0;
  private timer: NodeJS.Timeout | undefined;
  private polling = false;

  constructor(
    private readonly deployments: DeploymentRepository,
    private readonly signals: DeploymentSignals,
  ) {
    hubs.add(this);
  }

  /**
   * Attaches a listener to the deployment's shared subscription (creating it for the first one).
   * Resolves once live lines flow, with the function that detaches it (idempotent).
   */
  async attach(deploymentId: string, listener: LogListener): Promise<() => void> {
    let feed = this.feeds.get(deploymentId);
    if (!feed) {
      const created: Feed = { listeners: new Set(), ready: Promise.resolve(async () => undefined), dropped: false };
      // Every listener sees the lines in the order the one Redis connection delivered them.
      created.ready = this.signals.onLog(deploymentId, (line) => {
        for (const each of created.listeners) each.line(line);
      });
      // Redis refused: the next stream tries a new subscription rather than this failed one.
      created.ready.catch(() => this.drop(deploymentId, created));
      feed = created;
      this.feeds.set(deploymentId, feed);
      this.timer ??= setInterval(() => void this.poll(), POLL_MS);
    }
    feed.listeners.add(listener);
    this.streams += 1;
    this.publishCounts();
    let attached = true;
    const detach = () => {
      if (!attached) return;
      attached = false;
      this.streams -= 1;
      this.leave(deploymentId, feed, listener);
    };
    try {
      await feed.ready;
    } catch (error) {
      detach();
      throw error;
    }
    return detach;
  }

  private leave(deploymentId: string, feed: Feed, listener: LogListener): void {
    feed.listeners.delete(listener);
    if (feed.listeners.size === 0) this.drop(deploymentId, feed);
    this.publishCounts();
  }

  /** Ends the shared subscription (its deployment finished, or nobody follows it any more). */
  private drop(deploymentId: string, feed: Feed): void {
    if (feed.dropped) return;
    feed.dropped = true;
    if (this.feeds.get(deploymentId) === feed) this.feeds.delete(deploymentId);
    feed.ready.then((unsubscribe) => unsubscribe()).catch(() => undefined);
    if (this.feeds.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
    this.publishCounts();
  }

  private async poll(): Promise<void> {
    if (this.polling || this.feeds.size === 0) return;
    this.polling = true;
    try {
      const followed = [...this.feeds.entries()];
      const rows = new Map((await this.deployments.statuses(followed.map(([id]) => id))).map((row) => [row.id, row]));
      for (const [id, feed] of followed) {
        const row = rows.get(id);
        if (row && !isClosedDeployment(row)) continue;
        // A stream attaching from now on gets a fresh feed; it will see the final status at once.
        this.drop(id, feed);
        const end: LogEnd = { status: row?.status ?? 'deleted', error: row?.error ?? null };
        for (const listener of [...feed.listeners]) listener.end(end);
      }
      this.publishCounts();
    } catch (error) {
      // PostgreSQL away: the streams stay open and the next tick asks again.
      this.logger.warn(`cannot read the status of followed deployments: ${(error as Error).message}`);
    } finally {
      this.polling = false;
    }
  }

  private publishCounts(): void {
    metrics.logSubscriptions.set([...hubs].reduce((sum, hub) => sum + hub.feeds.size, 0));
    metrics.logStreams.set([...hubs].reduce((sum, hub) => sum + hub.streams, 0));
  }

  /** Open streams would keep the HTTP server from closing: end them before it closes. */
  beforeApplicationShutdown(): void {
    for (const [id, feed] of [...this.feeds.entries()]) {
      this.drop(id, feed);
      for (const listener of [...feed.listeners]) listener.close();
    }
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    hubs.delete(this);
    this.publishCounts();
  }
}
