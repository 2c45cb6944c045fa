import { ApiProperty } from '@nestjs/swagger';
import type { SprintReport } from '../../reports/index.js';
import type { PublishedReview, SprintSummaryView } from '../../reports/sprint-review.service.js';
import { isoDate, isoDateOrNull } from '../common/iso-date.js';

const dateTime = { type: String, format: 'date-time' };
const optionalDateTime = { ...dateTime, nullable: true };
const SPRINT_STATES = ['future', 'active', 'closed'];

export class SprintResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: String, nullable: true }) goal: string | null;
  @ApiProperty({ enum: SPRINT_STATES }) state: string;
  @ApiProperty({ enum: ['jira', 'opsprint'], description: 'jira: read from the JIRA board; opsprint: created through this API' })
  source: string;
  @ApiProperty({ type: 'integer', nullable: true }) jiraSprintId: number | null;
  @ApiProperty({ type: String, nullable: true, description: 'The environment the sprint is for (null: every environment)' })
  environment: string | null;
  @ApiProperty(dateTime) startAt: string;
  @ApiProperty({ ...dateTime, description: 'Planned end' }) endAt: string;
  @ApiProperty(optionalDateTime) completedAt: string | null;
  @ApiProperty({
    type: 'integer',
    description: 'Deployments that ran in the sprint (check-mode runs included; the report leaves them out)',
  })
  deployments: number;
  @ApiProperty({ type: String, nullable: true, description: 'The Confluence review page, once published' }) reviewPageUrl: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) reviewPageVersion: number | null;
  @ApiProperty(optionalDateTime) reviewPublishedAt: string | null;
}

const section = (description: string) => ({ type: 'object', additionalProperties: true, description }) as const;
const list = (description: string) => ({ type: 'array', items: { type: 'object', additionalProperties: true }, description }) as const;

/**
 * The sprint review as JSON: the same numbers as the dashboard and the Confluence page. The
 * sections are documented by meaning here and by definition in the README ("Sprint review numbers").
 */
export class SprintReportResponseDto {
  @ApiProperty(section('id, name, goal, state, startAt, endAt, completedAt')) sprint: object;
  @ApiProperty(section('startAt, endAt, asOf: the moment the report describes')) window: object;
  @ApiProperty(dateTime) generatedAt: string;
  @ApiProperty({ description: 'Whether story point figures are present' }) usesStoryPoints: boolean;
  @ApiProperty(section('committed, added, removed, final, done, committedDone, notDone (stories and points), completionRatio'))
  scope: object;
  @ApiProperty(list('Every story ever in the sprint: status, committed/added/removed, done time, links')) stories: object[];
  @ApiProperty(section('Epics committed and done, per epic')) epics: object;
  @ApiProperty(section('Remaining stories per day with the ideal line')) burndown: object;
  @ApiProperty(section('Real deployments by status; dry runs counted apart (dryRunsExcluded)')) deployments: object;
  @ApiProperty(list('Per phase: durations, median, maximum, trend')) phases: object[];
  @ApiProperty(list('Per node: busy and wall time per phase and deployment, trend')) nodes: object[];
  @ApiProperty(list('Per deployment: the phase timeline bars')) timelines: object[];
  @ApiProperty(list('Every failed step attempt: node, exit code, first error line (masked), recovery, links')) failures: object[];
  @ApiProperty(list('Steps that took more than one attempt in a deployment')) retries: object[];
  @ApiProperty(section('Failures recovered, time to recover, retries')) recovery: object;
  @ApiProperty(list('Slowest steps: median and maximum per step and node')) slowestSteps: object[];
  @ApiProperty(section('deploymentFrequency, leadTime, changeFailureRate, timeToRestore')) dora: object;
  @ApiProperty(list('Retrospective prompts from what failed or was retried most')) retrospective: object[];
}

export class PublishedReviewResponseDto {
  @ApiProperty({ format: 'uuid' }) sprintId: string;
  @ApiProperty({ example: 'Sprint 7 review' }) title: string;
  @ApiProperty() pageId: string;
  @ApiProperty() url: string;
  @ApiProperty({ type: 'integer' }) version: number;
  @ApiProperty({ enum: ['created', 'updated', 'unchanged'] }) action: string;
  @ApiProperty({ type: [String], example: ['burndown.png', 'phase-timeline.png'] }) attachments: string[];
}

export function toSprintResponse(sprint: SprintSummaryView): SprintResponseDto {
  return {
    id: sprint.id,
    name: sprint.name,
    goal: sprint.goal,
    state: sprint.state,
    source: sprint.source,
    jiraSprintId: sprint.jiraSprintId,
    environment: sprint.environment,
    startAt: isoDate(sprint.startAt),
    endAt: isoDate(sprint.endAt),
    completedAt: isoDateOrNull(sprint.completedAt),
    deployments: sprint.deployments,
    reviewPageUrl: sprint.reviewPage?.url ?? null,
    reviewPageVersion: sprint.reviewPage?.version ?? null,
    reviewPublishedAt: isoDateOrNull(sprint.reviewPage?.publishedAt),
  };
}

/** Dates become ISO strings (what JSON does with them); nothing else changes. */
export function toSprintReportResponse(report: SprintReport): SprintReportResponseDto {
  return JSON.parse(JSON.stringify(report)) as SprintReportResponseDto;
}

export function toPublishedReviewResponse(published: PublishedReview): PublishedReviewResponseDto {
  return { ...published, attachments: [...published.attachments] };
}
