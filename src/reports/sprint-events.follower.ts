import { Injectable } from '@nestjs/common';
import { OnDeploymentEvent } from '../infra/events/deployment-event-bus.js';
import type { DeploymentEvent } from '../infra/events/deployment-events.js';
import { JiraLinkRepository } from '../persistence/repositories/jira-link.repository.js';
import { type StoryStatusCategoryValue, StoryStatusRepository } from '../persistence/repositories/story-status.repository.js';
import { runbookStoryRef } from './load/sprint-input.js';
import { SprintsService } from './sprints.service.js';

/**
 * Feeds the sprint model from what really ran: a deployment joins the sprint active when it
 * starts, and each story's status moves with its phase results (in progress when a step is about
 * to change a host, blocked when one fails, done when all its steps passed). Check-mode runs join
 * their sprint (the report counts them apart) but move no story. Two or three small writes per
 * event, no call to JIRA: the engine does not wait on anything slow.
 */
@Injectable()
export class SprintEventsFollower {
  constructor(
    private readonly sprints: SprintsService,
    private readonly statuses: StoryStatusRepository,
    private readonly links: JiraLinkRepository,
  ) {}

  @OnDeploymentEvent()
  async follow(event: DeploymentEvent): Promise<void> {
    if (event.type === 'deployment.started') {
      await this.sprints.assignDeployment(event, new Date(event.at));
      return;
    }
    if (event.dryRun) return;
    switch (event.type) {
      case 'story.started':
        return this.record(event, event.phaseKey, [event.storyKey], 'in_progress');
      case 'story.failed':
        return this.record(event, event.phaseKey, [event.storyKey], 'blocked');
      case 'phase.finished':
        if (event.status === 'cancelled') return;
        return this.record(event, event.phaseKey, event.storiesPassed, 'done');
      default:
        return;
    }
  }

  private async record(event: DeploymentEvent, phaseKey: string, storyKeys: string[], category: StoryStatusCategoryValue): Promise<void> {
    const entityKey = (storyKey: string) => `${phaseKey}/${storyKey}`;
    const links = await this.links.findByEntities(event.environmentId, storyKeys.map(entityKey));
    await this.statuses.record(
      storyKeys.map((storyKey) => ({
        storyKey: links.get(entityKey(storyKey))?.issueKey ?? runbookStoryRef(event.environmentName, phaseKey, storyKey),
        environmentId: event.environmentId,
        entityKey: entityKey(storyKey),
        category,
        source: 'phase-result',
        deploymentId: event.deploymentId,
        at: new Date(event.at),
      })),
    );
  }
}
