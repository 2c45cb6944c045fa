import { createHmac, randomUUID } from 'node:crypto';
import { userBean, issueBean } from './issue-view.js';
import type { JiraState, StatusChange } from './jira-state.js';

export interface WebhookRegistration {
  url: string;
  secret?: string;
}

export interface WebhookDelivery {
  identifier: string;
  url: string;
  headers: Record<string, string>;
  body: Buffer;
  /** HTTP status of the last attempt, or the network error. */
  outcome: number | string;
  attempts: number;
}

/**
 * Posts a signed `jira:issue_updated` payload to every registered URL on each status change,
 * with Cloud's headers (identifier, retry counter, X-Hub-Signature); Server flavour sends no
 * identifier, as Data Center does.
 */
export class JiraWebhookDispatcher {
  readonly registrations: WebhookRegistration[] = [];
  readonly deliveries: WebhookDelivery[] = [];
  private pending = new Set<Promise<void>>();

  constructor(
    private readonly state: JiraState,
    private readonly baseUrl: () => string,
    private readonly cloud: boolean,
  ) {
    state.onStatusChange((change) => this.dispatch(change));
  }

  register(registration: WebhookRegistration): void {
    this.registrations.push(registration);
  }

  /** Resolves when every delivery started so far has been answered. */
  async settled(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  /** Sends one delivery again, byte for byte, as JIRA's retry does. */
  redeliver(delivery: WebhookDelivery): Promise<void> {
    delivery.attempts++;
    delivery.headers['X-Atlassian-Webhook-Retry'] = String(delivery.attempts - 1);
    return this.track(this.send(delivery));
  }

  payload(change: StatusChange): Buffer {
    const base = this.baseUrl();
    const status = (name: string) => this.state.workflow.statuses.find((s) => s.name === name)!.id;
    const body = {
      timestamp: Date.now(),
      webhookEvent: 'jira:issue_updated',
      issue_event_type_name: 'issue_generic',
      user: userBean(change.user, base, this.cloud),
      issue: issueBean(this.state, change.issue, base, this.cloud, ['summary', 'status', 'issuetype', 'project', 'labels', 'parent']),
      changelog: {
        id: change.changelogId,
        items: [
          {
            field: 'status',
            fieldtype: 'jira',
            fieldId: 'status',
            from: status(change.from),
            fromString: change.from,
            to: status(change.to),
            toString: change.to,
          },
        ],
      },
    };
    return Buffer.from(JSON.stringify(body));
  }

  private dispatch(change: StatusChange): void {
    const body = this.payload(change);
    for (const registration of this.registrations) {
      const headers: Record<string, string> = {
        'Content-Type': 'application/json; charset=utf-8',
        'User-Agent': 'Atlassian Webhook HTTP Client',
      };
      const identifier = randomUUID();
      if (this.cloud) headers['X-Atlassian-Webhook-Identifier'] = identifier;
      if (registration.secret)
        headers['X-Hub-Signature'] = `sha256=${createHmac('sha256', registration.secret).update(body).digest('hex')}`;
      const delivery: WebhookDelivery = { identifier, url: registration.url, headers, body, outcome: 'pending', attempts: 1 };
      this.deliveries.push(delivery);
      this.track(this.send(delivery));
    }
  }

  private track(promise: Promise<void>): Promise<void> {
    this.pending.add(promise);
    return promise.finally(() => this.pending.delete(promise));
  }

  private async send(delivery: WebhookDelivery): Promise<void> {
    try {
      const answer = await fetch(delivery.url, {
        method: 'POST',
        headers: delivery.headers,
        body: delivery.body,
        signal: AbortSignal.timeout(10_000),
      });
      await answer.arrayBuffer();
      delivery.outcome = answer.status;
    } catch (error) {
      delivery.outcome = (error as Error).message;
    }
  }
}
