import { Inject, Injectable, Optional } from '@nestjs/common';
import { JiraConfig } from '../../config/jira-config.js';
import { PublicLinks } from '../../config/public-url.js';
import type { JiraLinkRecord } from '../../persistence/records.js';
import { AuditRepository } from '../../persistence/repositories/audit.repository.js';
import { JiraLinkRepository } from '../../persistence/repositories/jira-link.repository.js';
import { SecretValues } from '../secret-values.js';
import { driftComment, type DriftReport } from './drift-comment.js';
import { JiraGateway } from './jira.gateway.js';
import { epicEntityKey, storyEntityKey } from './jira-labels.js';
import { TransitionResolver } from './transition-resolver.js';

const ACTOR = 'jira-drift';

/**
 * Tells JIRA what the drift check found: each newly drifted story is reopened (back to To Do) with a
 * comment naming the steps that no longer hold and the nodes, and its epic with it. The comment goes
 * first, so a failed transition retried later never leaves a moved issue without its reason. A story
 * already reopened is commented on but not moved again.
 */
@Injectable()
export class JiraDriftReopen {
  private readonly transitions: TransitionResolver;

  constructor(
    private readonly links: JiraLinkRepository,
    private readonly gateway: JiraGateway,
    private readonly auditLog: AuditRepository,
    private readonly secrets: SecretValues,
    @Inject(JiraConfig) config: Pick<JiraConfig, 'transitions'>,
    @Optional() private readonly publicLinks?: PublicLinks,
  ) {
    this.transitions = new TransitionResolver(gateway, config.transitions);
  }

  /** Returns the issue keys reopened (stories first, then the epic). */
  async reopen(report: DriftReport): Promise<string[]> {
    const secrets = await this.secrets.secretValues(report.environmentId);
    const reopened: string[] = [];
    const storyKeys: string[] = [];
    for (const story of report.stories) {
      const link = await this.links.findByEntity(report.environmentId, storyEntityKey(report.phaseKey, story.storyKey));
      if (!link) {
        await this.auditLog.record(ACTOR, 'jira.drift.skipped', storyEntityKey(report.phaseKey, story.storyKey), {
          reason: 'no JiraLink: the backlog was not synced for this environment',
          deploymentId: report.deploymentId,
        });
        continue;
      }
      await this.gateway.addComment(
        link.issueKey,
        driftComment(report, story.findings, secrets, undefined, this.publicLinks?.deployment(report.deploymentId)),
      );
      if (await this.moveToTodo(link)) reopened.push(link.issueKey);
      storyKeys.push(link.issueKey);
    }
    const epic = await this.links.findByEntity(report.environmentId, epicEntityKey(report.phaseKey));
    if (epic && storyKeys.length > 0 && this.isDone(epic)) {
      const findings = report.stories.flatMap((s) => s.findings);
      await this.gateway.addComment(
        epic.issueKey,
        driftComment(report, findings, secrets, storyKeys.join(', '), this.publicLinks?.deployment(report.deploymentId)),
      );
      if (await this.moveToTodo(epic)) reopened.push(epic.issueKey);
    }
    await this.auditLog.record(ACTOR, 'jira.drift.reopened', report.deploymentId, {
      environment: report.environmentName,
      phaseKey: report.phaseKey,
      commented: storyKeys,
      reopened,
    });
    return reopened;
  }

  private isDone(link: JiraLinkRecord): boolean {
    return link.status !== null && this.transitions.isIn({ name: link.status, category: link.statusCategory }, 'done');
  }

  /** True when the issue moved. */
  private async moveToTodo(link: JiraLinkRecord): Promise<boolean> {
    const known = link.status === null ? null : { name: link.status, category: link.statusCategory };
    const outcome = await this.transitions.moveTo({ key: link.issueKey, type: link.entityType, status: known }, 'todo');
    if (outcome.kind === 'unavailable') {
      await this.auditLog.record(ACTOR, 'jira.status.unavailable', link.issueKey, {
        entityKey: link.entityKey,
        state: 'todo',
        status: outcome.status.name,
        offered: outcome.offered,
      });
      return false;
    }
    const now = outcome.kind === 'moved' ? outcome.to : outcome.status;
    if (now.name !== known?.name || now.category !== known?.category) await this.links.setStatus(link.id, now);
    return outcome.kind === 'moved';
  }
}
