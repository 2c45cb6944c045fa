import type { DeploymentRecord } from './deployment-record.js';
import type { Sprint } from './sprint.js';
import type { StoryStatusChange } from './story-status.js';

/** Everything the sprint review and the daily digest are computed from. */
export interface SprintInput {
  sprint: Sprint;
  /** The deployments that belong to the sprint (ran while it was active), dry runs included. */
  deployments: DeploymentRecord[];
  /** Status transitions of the sprint's stories, in any order. */
  storyStatuses: StoryStatusChange[];
}
