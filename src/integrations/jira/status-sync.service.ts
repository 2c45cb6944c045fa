import { Inject, Injectable, Optional } from '@nestjs/common';
import { JiraConfig, type LogicalState } from '../../config/jira-config.js';
import { PublicLinks } from '../../config/public-url.js';
import type { DeploymentEvent } from '../../infra/events/deployment-events.js';
import type { JiraLinkRecord, JsonValue } from '../../persistence/records.js';
import { AuditRepository } from '../../persistence/repositories/audit.repository.js';
import { JiraLinkRepository, type JiraSite, type KnownStatus } from '../../persistence/repositories/jira-link.repository.js';
import { SecretValues } from '../secret-values.js';
import { failureComment } from './failure-comment.js';
import { JiraGateway } from './jira.gateway.js';
import { epicEntityKey, storyEntityKey } from './jira-labels.js';
import { reopenComment } from './reopen-comment.js';
import { SprintPlacement } from './sprint-placement.js';
import { TransitionResolver } from './transition-resolver.js';

const ACTOR = 'jira-status-sync';

type EventOf<T extends DeploymentEvent['type']> = Extract<DeploymentEvent, { type: T }>;

/**
 * Follows deployment events in JIRA, so that each issue ends in the state its steps' outcome
 * calls for and an issue already there is not touched:
 * - a story moves to In Progress only when one of its steps is about to change a host
 *   (`story.started`), and its epic with it; a Done one is reopened with a comment saying which
 *   step on which node changes what;
 * - when its phase finishes, a story whose steps all passed ends Done (a Blocked one too); a
 *   failed step blocks its story with the failure comment; the epic ends Done or Blocked;
 * - a story joins the sprint (SprintPlacement, once per phase) only when this deployment had work
 *   for it or moves it: a Done story whose steps found everything in place stays where it is.
 * A check-mode run changes nothing in JIRA. Whether an issue needs moving is decided from the
 * status the backlog sync read at the deployment's start (JiraLink), so an unchanged rerun makes
 * no request here at all. An entity without a JiraLink is skipped with a `jira.status.skipped`
 * audit event. JIRA failures are thrown so the job is retried.
 */
@Injectable()
export class JiraStatusSync {
  private readonly transitions: TransitionResolver;
  private readonly at: JiraSite;

  constructor(
    private readonly links: JiraLinkRepository,
    private readonly auditLog: AuditRepository,
    private readonly gateway: JiraGateway,
    @Inject(JiraConfig) config: Pick<JiraConfig, 'transitions' | 'projectKey'>,
    private readonly secrets: SecretValues,
    private readonly placement: SprintPlacement,
    @Optional() private readonly publicLinks?: PublicLinks,
  ) {
    this.transitions = new TransitionResolver(gateway, config.transitions);
    this.at = { site: gateway.site, projectKey: config.projectKey };
  }

  async onDeploymentEvent(event: DeploymentEvent): Promise<void> {
    if (event.dryRun) return; // check mode: the record of what really happened stays as it is
    switch (event.type) {
      case 'story.started':
        return this.storyStarted(event);
      case 'story.failed': {
        const story = await this.linkOf(event, storyEntityKey(event.phaseKey, event.storyKey), 'blocked');
        if (!story) return;
        await this.move(event, story, 'blocked');
        await this.gateway.addComment(
          story.issueKey,
          failureComment(event, await this.secrets.secretValues(event.environmentId), this.publicLinks?.deployment(event.deploymentId)),
        );
        return;
      }
      case 'story.succeeded':
        return; // moved with its phase (phase.finished), which decides the sprint for all its stories at once
      case 'phase.finished':
        return this.phaseFinished(event);
      case 'deployment.finished':
        this.placement.forget(event.deploymentId);
        return;
      default:
        return;
    }
  }

  /**
   * The comment goes first: should the transition fail, the retried job comments again rather
   * than a moved issue never saying why.
   */
  private async storyStarted(event: EventOf<'story.started'>): Promise<void> {
    const storyKey = storyEntityKey(event.phaseKey, event.storyKey);
    const epicKey = epicEntityKey(event.phaseKey);
    const found = await this.links.findByEntities(event.environmentId, [storyKey, epicKey], this.at);
    const [story = null] = await this.present(event, found, [storyKey], 'in_progress');
    const [epic = null] = await this.present(event, found, [epicKey], 'in_progress');
    const secrets = await this.secrets.secretValues(event.environmentId);
    if (story) {
      if (this.isDone(story))
        await this.gateway.addComment(
          story.issueKey,
          reopenComment(event, secrets, undefined, this.publicLinks?.deployment(event.deploymentId)),
        );
      await this.move(event, story, 'in_progress');
    }
    if (epic) {
      if (this.isDone(epic))
        await this.gateway.addComment(
          epic.issueKey,
          reopenComment(event, secrets, story?.issueKey, this.publicLinks?.deployment(event.deploymentId)),
        );
      await this.move(event, epic, 'in_progress');
    }
  }

  /** Sprint first (one call for the phase), then the passed stories, then the epic. */
  private async phaseFinished(event: EventOf<'phase.finished'>): Promise<void> {
    const storyKeys = (storyKeysOfPhase: string[]) => storyKeysOfPhase.map((storyKey) => storyEntityKey(event.phaseKey, storyKey));
    const epicKey = epicEntityKey(event.phaseKey);
    // The phase's links in one read: its stories and its epic.
    const found = await this.links.findByEntities(
      event.environmentId,
      [...new Set([...storyKeys(event.storiesWithWork), ...storyKeys(event.storiesPassed), epicKey])],
      this.at,
    );
    const cancelled = event.status === 'cancelled'; // a cancelled phase keeps whatever state its stories reached
    const withWork = await this.present(event, found, storyKeys(event.storiesWithWork), 'in_progress');
    const passed = cancelled ? [] : await this.present(event, found, storyKeys(event.storiesPassed), 'done');
    const moving = passed.filter((link) => !this.isDone(link));
    const added = await this.placement.place(event, [...new Set([...withWork, ...moving].map((link) => link.issueKey))]);
    if (added.length > 0) await this.audit('jira.sprint.placed', event.deploymentId, { phaseKey: event.phaseKey, issues: added });
    for (const story of passed) await this.move(event, story, 'done');
    if (cancelled) return;
    const state = event.status === 'succeeded' ? 'done' : 'blocked';
    const [epic = null] = await this.present(event, found, [epicKey], state);
    await this.move(event, epic, state);
  }

  private isDone(link: JiraLinkRecord): boolean {
    const status = this.statusOf(link);
    return status !== null && this.transitions.isIn(status, 'done');
  }

  private statusOf(link: JiraLinkRecord): KnownStatus | null {
    return link.status === null ? null : { name: link.status, category: link.statusCategory };
  }

  private async linkOf(event: DeploymentEvent, entityKey: string, state: LogicalState): Promise<JiraLinkRecord | null> {
    const found = await this.links.findByEntities(event.environmentId, [entityKey], this.at);
    const [link = null] = await this.present(event, found, [entityKey], state);
    return link;
  }

  /** The links of `entityKeys` among those read, in order; each one missing is recorded as skipped. */
  private async present(
    event: DeploymentEvent,
    found: Map<string, JiraLinkRecord>,
    entityKeys: string[],
    state: LogicalState,
  ): Promise<JiraLinkRecord[]> {
    const links: JiraLinkRecord[] = [];
    for (const entityKey of entityKeys) {
      const link = found.get(entityKey);
      if (link) links.push(link);
      else
        await this.audit('jira.status.skipped', entityKey, {
          reason: 'no JiraLink on this JIRA site and project: the backlog was not synced there for this environment',
          event: event.type,
          deploymentId: event.deploymentId,
          state,
        });
    }
    return links;
  }

  private async move(event: DeploymentEvent, link: JiraLinkRecord | null, state: LogicalState): Promise<void> {
    if (!link) return;
    const known = this.statusOf(link);
    const outcome = await this.transitions.moveTo({ key: link.issueKey, type: link.entityType, status: known }, state);
    if (outcome.kind === 'unavailable') {
      await this.audit('jira.status.unavailable', link.issueKey, {
        entityKey: link.entityKey,
        state,
        status: outcome.status.name,
        offered: outcome.offered,
        deploymentId: event.deploymentId,
      });
      return;
    }
    const now = outcome.kind === 'moved' ? outcome.to : outcome.status;
    if (now.name !== known?.name || now.category !== known?.category) await this.links.setStatus(link.id, now);
  }

  private async audit(action: string, target: string, detail: JsonValue): Promise<void> {
    await this.auditLog.record(ACTOR, action, target, detail);
  }
}
