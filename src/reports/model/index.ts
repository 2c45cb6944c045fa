export type {
  ConfluencePageVersion,
  DeploymentRecord,
  DeploymentStatus,
  DeploymentTrigger,
  JiraTrigger,
  PhaseRunRecord,
  PhaseRunStatus,
  StepAttemptRecord,
  StepAttemptStatus,
} from './deployment-record.js';
export { type Links, links } from './links.js';
export type { ScopeChange, Sprint, SprintState, SprintStory } from './sprint.js';
export type { SprintInput } from './sprint-input.js';
export type { StoryStatusCategory, StoryStatusChange } from './story-status.js';
export { ReportInputError, validateSprintInput } from './validate-input.js';
