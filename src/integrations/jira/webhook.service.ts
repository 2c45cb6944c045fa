import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ServiceUnavailableError } from '../../common/errors.js';
import { JiraConfig } from '../../config/jira-config.js';
import { WebhookDeliveryRepository } from '../../persistence/repositories/webhook-delivery.repository.js';
import { DEPLOYMENT_REQUESTER, type DeploymentRequester } from './deployment-requester.port.js';
import { decideTrigger } from './webhook-decision.js';
import { MalformedWebhook, parseJiraWebhook } from './webhook-payload.js';
import { verifyJiraSignature } from './webhook-signature.js';

export type WebhookOutcome =
  | 'unauthorized'
  | 'malformed'
  | 'stale'
  | 'duplicate'
  | 'in_progress'
  | 'ignored'
  | 'requested'
  | 'request_failed'
  | 'unavailable';

export interface WebhookAnswer {
  status: 202 | 400 | 401 | 409 | 503;
  outcome: WebhookOutcome;
  reason?: string;
  deploymentId?: string;
}

export const JIRA_WEBHOOK_SOURCE = 'jira';

/**
 * Receives JIRA's webhooks: signature first (401, nothing written), then shape (400, the refusal
 * recorded), then the unique delivery key (a retry is a 202 'duplicate' and nothing more; a retry
 * of a delivery claimed but unsettled for JIRA_WEBHOOK_CLAIM_TIMEOUT_SECONDS, whose handler died,
 * is handled again, at most one deployment resulting), then the decision. A failing requester is recorded, not retried here: JIRA's retry would only be a
 * duplicate, and the poll picks the issue up again because no 'requested' row exists for it.
 */
@Injectable()
export class JiraWebhookService {
  constructor(
    private readonly deliveries: WebhookDeliveryRepository,
    @Inject(JiraConfig)
    private readonly config: Pick<JiraConfig, 'webhookSecret' | 'triggerStatus' | 'webhookMaxAgeSeconds' | 'webhookClaimTimeoutSeconds'>,
    @Inject(DEPLOYMENT_REQUESTER) private readonly requester: DeploymentRequester,
  ) {}

  async receive(input: { headers: Record<string, string | string[] | undefined>; rawBody: Buffer | undefined }): Promise<WebhookAnswer> {
    const rawBody = input.rawBody ?? Buffer.alloc(0);
    const headers = Object.fromEntries(Object.entries(input.headers).map(([k, v]) => [k.toLowerCase(), v]));
    // Without a configured secret nothing can be trusted: refuse rather than accept unsigned calls.
    if (!this.config.webhookSecret || !verifyJiraSignature(rawBody, headers['x-hub-signature'], this.config.webhookSecret)) {
      return { status: 401, outcome: 'unauthorized' };
    }
    let update;
    try {
      update = parseJiraWebhook(rawBody, headers);
    } catch (error) {
      if (!(error instanceof MalformedWebhook)) throw error;
      await this.recordRefusal(rawBody, headers, error.message);
      return { status: 400, outcome: 'malformed', reason: error.message };
    }
    // The delivery id is not signed: the signed timestamp bounds how long a captured body can be replayed.
    const tooOld = this.staleness(update.timestamp);
    if (tooOld) {
      await this.recordRefusal(rawBody, headers, tooOld.reason);
      return { status: 400, ...tooOld };
    }
    const decision = decideTrigger(update, this.config.triggerStatus);
    const detail = {
      issueKey: update.issueKey,
      requester: update.requester,
      statusChanges: update.statusChanges.map((c) => `${c.from ?? '?'} → ${c.to}`),
    };
    // The same signed body under another delivery id is a replay, not a new transition.
    const key = { deliveryKey: update.deliveryKey, bodyHash: createHash('sha256').update(rawBody).digest('hex') };
    let claimed = await this.deliveries.claim({
      source: JIRA_WEBHOOK_SOURCE,
      ...key,
      event: update.event,
      outcome: decision.kind === 'deploy' ? 'requesting' : 'ignored',
      detail: decision.kind === 'deploy' ? detail : { ...detail, reason: decision.reason },
    });
    let retaken = false;
    if (!claimed) {
      const unsettled = await this.deliveries.unsettled(key);
      if (!unsettled) return { status: 202, outcome: 'duplicate' };
      // Claimed but never settled: a handler still at work (JIRA retries a 409 later), or one that died
      // before answering, whose delivery would otherwise be refused as a duplicate forever.
      if (!(await this.deliveries.retake(unsettled, this.config.webhookClaimTimeoutSeconds))) {
        return { status: 409, outcome: 'in_progress', reason: 'this delivery is being handled; retry later' };
      }
      claimed = unsettled;
      retaken = true;
    }
    if (decision.kind === 'ignore') return { status: 202, outcome: 'ignored', reason: decision.reason };

    const request = {
      environmentName: decision.environmentName,
      phases: decision.phases,
      trigger: 'jira_webhook' as const,
      requester: update.requester,
      issueKey: update.issueKey,
      // JIRA's own time of the change; a delivery that does not say is dated when it arrived.
      transitionedAt: update.at ?? new Date(),
    };
    try {
      // The handler that died may have created the deployment before it could record it: never a second one.
      const earlier = retaken ? await this.requester.existing(request) : null;
      const { deploymentId } = earlier ?? (await this.requester.request(request));
      await this.deliveries.settle(
        claimed.id,
        'requested',
        { ...detail, environmentName: request.environmentName, phases: request.phases ?? null },
        deploymentId,
      );
      return { status: 202, outcome: 'requested', deploymentId };
    } catch (error) {
      const reason = (error as Error).message;
      if (error instanceof ServiceUnavailableError) {
        // Redis away: forget the delivery and answer 503, so JIRA's retry asks again and is not a duplicate.
        await this.deliveries.release(claimed.id);
        return { status: 503, outcome: 'unavailable', reason };
      }
      await this.deliveries.settle(claimed.id, 'request_failed', { ...detail, error: reason });
      return { status: 202, outcome: 'request_failed', reason };
    }
  }

  /** Why a delivery's signed timestamp is refused, or null when it is within the window (either way, for clock skew). */
  private staleness(timestamp: number | null): { outcome: 'malformed' | 'stale'; reason: string } | null {
    if (timestamp === null) return { outcome: 'malformed', reason: 'timestamp is missing or not a time in milliseconds' };
    const window = this.config.webhookMaxAgeSeconds;
    const ageSeconds = Math.round((Date.now() - timestamp) / 1000);
    if (ageSeconds > window)
      return {
        outcome: 'stale',
        reason: `timestamp is ${ageSeconds} s old; deliveries older than ${window} s are refused (JIRA_WEBHOOK_MAX_AGE_SECONDS)`,
      };
    if (-ageSeconds > window)
      return {
        outcome: 'stale',
        reason: `timestamp is ${-ageSeconds} s in the future; more than ${window} s of clock skew is refused (JIRA_WEBHOOK_MAX_AGE_SECONDS)`,
      };
    return null;
  }

  private async recordRefusal(rawBody: Buffer, headers: Record<string, string | string[] | undefined>, reason: string): Promise<void> {
    const identifier = headers['x-atlassian-webhook-identifier'];
    const key = typeof identifier === 'string' && identifier ? identifier : createHash('sha256').update(rawBody).digest('hex');
    await this.deliveries.claim({
      source: JIRA_WEBHOOK_SOURCE,
      deliveryKey: `jira-refused:${key}`,
      event: null,
      outcome: 'rejected',
      detail: { reason, bytes: rawBody.length },
    });
  }
}
