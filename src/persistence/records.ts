/**
 * The rows repositories hand out, under names of their own: the rest of the code uses these
 * types and never imports @prisma/client (only src/persistence does).
 */
export type {
  ApiRole,
  ApiToken as ApiTokenRecord,
  Artifact as ArtifactRecord,
  AuditEvent as AuditEventRecord,
  ConfluencePage as ConfluencePageRecord,
  Deployment as DeploymentRecord,
  DeploymentSchedule as DeploymentScheduleRecord,
  JiraLink as JiraLinkRecord,
  PhaseDrift as PhaseDriftRecord,
  PhaseRun as PhaseRunRecord,
  Sprint as SprintRecord,
  SprintScopeChange as SprintScopeChangeRecord,
  StepAttempt as StepAttemptRecord,
  StoryStatusChange as StoryStatusChangeRecord,
  ScheduleRun as ScheduleRunRecord,
  StepRun as StepRunRecord,
  WebhookDelivery as WebhookDeliveryRecord,
} from '@prisma/client';

/** A JSON value stored in a JSON column (audit details, webhook details, table data). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue | undefined };
