import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../common/errors.js';
import { AuditRepository } from '../persistence/repositories/audit.repository.js';
import { EnvironmentRepository } from '../persistence/repositories/environment.repository.js';
import { JiraLinkRepository } from '../persistence/repositories/jira-link.repository.js';
import { SprintRepository } from '../persistence/repositories/sprint.repository.js';
import { StoryStatusRepository } from '../persistence/repositories/story-status.repository.js';
import { type SprintInputLookups, toSprintInput } from './load/sprint-input.js';
import type { ConfluencePageVersion } from './model/deployment-record.js';
import type { SprintState } from './model/sprint.js';
import type { SprintInput } from './model/sprint-input.js';
import { buildSprintReport, type SprintReport } from './review/sprint-report.js';
import { SprintsService } from './sprints.service.js';

/** A sprint in a list: what it is, where it comes from, how much ran in it, and its review page. */
export interface SprintSummaryView {
  id: string;
  name: string;
  goal: string | null;
  state: SprintState;
  source: 'jira' | 'opsprint';
  jiraSprintId: number | null;
  /** The environment the sprint is for (null: every environment). */
  environment: string | null;
  startAt: Date;
  endAt: Date;
  completedAt: Date | null;
  /** Deployments that ran in the sprint, check-mode runs included (the report leaves those out). */
  deployments: number;
  /** The Confluence "Sprint review" page, once published. */
  reviewPage: { url: string; version: number; publishedAt: Date } | null;
}

/**
 * The sprint review from real data: loads a sprint, its backlog, its stories' status history and
 * the whole ledger of its deployments (every step attempt), resolves JIRA keys and the Confluence
 * page versions each deployment published, and hands that to the pure report core. The API, the
 * dashboard and the Confluence page all call `report`, so they show the same numbers.
 */
@Injectable()
export class SprintReviewService {
  constructor(
    private readonly sprintsService: SprintsService,
    private readonly sprints: SprintRepository,
    private readonly statuses: StoryStatusRepository,
    private readonly links: JiraLinkRepository,
    private readonly environments: EnvironmentRepository,
    private readonly audit: AuditRepository,
  ) {}

  /** Newest first; reads the JIRA board first when JIRA is configured (at most every few seconds). */
  async listSprints(): Promise<SprintSummaryView[]> {
    await this.sprintsService.refresh();
    const rows = await this.sprints.list();
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      goal: row.goal,
      state: row.state,
      source: row.source,
      jiraSprintId: row.jiraSprintId,
      environment: row.environment?.name ?? null,
      startAt: row.startAt,
      endAt: row.endAt,
      completedAt: row.completedAt,
      deployments: row._count.deployments,
      reviewPage:
        row.reviewPageUrl && row.reviewPageVersion !== null && row.reviewPublishedAt
          ? { url: row.reviewPageUrl, version: row.reviewPageVersion, publishedAt: row.reviewPublishedAt }
          : null,
    }));
  }

  async summary(sprintId: string): Promise<SprintSummaryView> {
    const found = (await this.listSprints()).find((sprint) => sprint.id === sprintId);
    if (!found) throw new NotFoundError(`sprint ${sprintId} does not exist`);
    return found;
  }

  /** The sprint review as of `now` (a closed sprint: as of its close). */
  async report(sprintId: string, now: Date = new Date()): Promise<SprintReport> {
    return buildSprintReport(await this.input(sprintId), now);
  }

  /** The report core's input for a sprint, from the database. */
  async input(sprintId: string): Promise<SprintInput> {
    await this.sprintsService.refresh();
    const data = await this.sprints.reportData(sprintId);
    if (!data) throw new NotFoundError(`sprint ${sprintId} does not exist`);

    const environmentIds = [
      ...new Set([...data.deployments.map((d) => d.environment.id), ...(data.environmentId ? [data.environmentId] : [])]),
    ];
    const links = await this.links.forEnvironments(environmentIds);
    const issueKeys = new Map(links.map((link) => [`${link.environmentId}\u0000${link.entityKey}`, link.issueKey]));
    const pages = await this.publishedPages(data.deployments.map((d) => d.id));
    const names = new Map((await this.environments.list()).map((env) => [env.id, env.name]));
    const lookups: SprintInputLookups = {
      issueKeyOf: (environmentId, entityKey) => issueKeys.get(`${environmentId}\u0000${entityKey}`) ?? null,
      pageOf: (deploymentId, phaseKey) => pages.get(`${deploymentId}\u0000phase:${phaseKey}`) ?? null,
      environmentName: (environmentId) => names.get(environmentId) ?? null,
    };

    const storyKeys = [...new Set(data.scopeChanges.map((row) => row.storyKey))];
    // A story's runbook identity, in each environment it may have run in (status rows recorded before its JIRA issue existed).
    const runbookStories = data.scopeChanges
      .filter((row) => row.phaseKey && row.runbookStoryKey)
      .flatMap((row) => environmentIds.map((environmentId) => ({ environmentId, entityKey: `${row.phaseKey}/${row.runbookStoryKey}` })));
    const statuses = await this.statuses.forStories(storyKeys, runbookStories);
    return toSprintInput(data, statuses, lookups);
  }

  /** The phase page versions each deployment published (recorded with its `confluence.published` audit event; the latest wins). */
  private async publishedPages(deploymentIds: string[]): Promise<Map<string, ConfluencePageVersion>> {
    const pages = new Map<string, ConfluencePageVersion>();
    for (const event of await this.audit.forTargets('confluence.published', deploymentIds)) {
      const detail = event.detail as { pages?: { key?: unknown; url?: unknown; version?: unknown }[] } | null;
      for (const page of detail?.pages ?? []) {
        if (typeof page.key !== 'string' || typeof page.url !== 'string' || typeof page.version !== 'number') continue;
        pages.set(`${event.target}\u0000${page.key}`, { url: page.url, version: page.version });
      }
    }
    return pages;
  }
}
