import { Inject, Injectable } from '@nestjs/common';
import { JiraConfig, type LogicalState } from '../../config/jira-config.js';
import type { DeploymentEvent } from '../../infra/events/deployment-events.js';
import type { JsonValue } from '../../persistence/records.js';
import { AuditRepository } from '../../persistence/repositories/audit.repository.js';
import { JiraLinkRepository } from '../../persistence/repositories/jira-link.repository.js';
import { SecretValues } from '../secret-values.js';
import { failureComment } from './failure-comment.js';
import { JiraGateway } from './jira.gateway.js';
import { epicEntityKey, storyEntityKey } from './jira-labels.js';
import { type TransitionOutcome, TransitionResolver } from './transition-resolver.js';

const ACTOR = 'jira-status-sync';

/**
 * Follows deployment events in JIRA: stories start, finish or block; an epic follows its phase.
 * An entity without a JiraLink is skipped with an `jira.status.skipped` audit event rather than
 * synced on the spot: the event does not carry the runbook, and the backlog sync runs when a
 * deployment is requested (JiraBacklogSync). JIRA failures are thrown so the job is retried.
 */
@Injectable()
export class JiraStatusSync {
  private readonly transitions: TransitionResolver;

  constructor(
    private readonly links: JiraLinkRepository,
    private readonly auditLog: AuditRepository,
    private readonly gateway: JiraGateway,
    @Inject(JiraConfig) config: Pick<JiraConfig, 'transitions'>,
    private readonly secrets: SecretValues,
  ) {
    this.transitions = new TransitionResolver(gateway, config.transitions);
  }

  async onDeploymentEvent(event: DeploymentEvent): Promise<void> {
    switch (event.type) {
      case 'story.started':
        await this.move(event, storyEntityKey(event.phaseKey, event.storyKey), 'in_progress');
        return;
      case 'story.succeeded':
        await this.move(event, storyEntityKey(event.phaseKey, event.storyKey), 'done');
        return;
      case 'story.failed': {
        const issueKey = await this.move(event, storyEntityKey(event.phaseKey, event.storyKey), 'blocked');
        if (issueKey) await this.gateway.addComment(issueKey, failureComment(event, await this.secrets.secretValues(event.environmentId)));
        return;
      }
      case 'phase.started':
        await this.move(event, epicEntityKey(event.phaseKey), 'in_progress');
        return;
      case 'phase.finished':
        if (event.status === 'cancelled') return; // a cancelled phase keeps whatever state its stories reached
        await this.move(event, epicEntityKey(event.phaseKey), event.status === 'succeeded' ? 'done' : 'blocked');
        return;
      default:
        return;
    }
  }

  /** Returns the issue key when the entity is linked (moved or already there). */
  private async move(event: DeploymentEvent, entityKey: string, state: LogicalState): Promise<string | undefined> {
    const link = await this.links.findByEntity(event.environmentId, entityKey);
    if (!link) {
      await this.audit('jira.status.skipped', entityKey, {
        reason: 'no JiraLink: the backlog was not synced for this environment',
        event: event.type,
        deploymentId: event.deploymentId,
        state,
      });
      return undefined;
    }
    const outcome: TransitionOutcome = await this.transitions.moveTo(link.issueKey, state);
    if (outcome.kind === 'unavailable') {
      await this.audit('jira.status.unavailable', link.issueKey, {
        entityKey,
        state,
        status: outcome.status,
        offered: outcome.offered,
        deploymentId: event.deploymentId,
      });
      return link.issueKey;
    }
    await this.links.setStatus(link.id, outcome.kind === 'moved' ? outcome.to : outcome.status);
    return link.issueKey;
  }

  private async audit(action: string, target: string, detail: JsonValue): Promise<void> {
    await this.auditLog.record(ACTOR, action, target, detail);
  }
}
