import { Inject, Injectable, Optional } from '@nestjs/common';
import { ConflictError, NotFoundError, ServiceUnavailableError } from '../common/errors.js';
import { ConfluenceConfig, confluenceSite } from '../config/confluence-config.js';
import { JiraConfig } from '../config/jira-config.js';
import { PublicLinks } from '../config/public-url.js';
import { isTransient } from '../integrations/http/http-error.js';
import { ConfluenceGateway } from '../integrations/confluence/confluence.gateway.js';
import { sha256 } from '../integrations/confluence/content-hash.js';
import { ConfluencePageRepository } from '../persistence/repositories/confluence-page.repository.js';
import { AuditRepository } from '../persistence/repositories/audit.repository.js';
import { EnvironmentRepository } from '../persistence/repositories/environment.repository.js';
import { JiraLinkRepository } from '../persistence/repositories/jira-link.repository.js';
import { SprintRepository } from '../persistence/repositories/sprint.repository.js';
import { StoryStatusRepository } from '../persistence/repositories/story-status.repository.js';
import { type SprintInputLookups, toSprintInput } from './load/sprint-input.js';
import { chartsOf, reviewAttachments } from './publish/review-attachments.js';
import { buildReviewPage, reviewPageTitle } from './publish/review-page.js';
import type { ConfluencePageVersion } from './model/deployment-record.js';
import type { SprintState } from './model/sprint.js';
import type { SprintInput } from './model/sprint-input.js';
import { buildSprintReport, type SprintReport } from './review/sprint-report.js';
import { type BoardUnreachable, SprintsService } from './sprints.service.js';

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

/** The Confluence "Sprint N review" page as it stands after a publish. */
export interface PublishedReview {
  sprintId: string;
  title: string;
  pageId: string;
  url: string;
  version: number;
  action: 'created' | 'updated' | 'unchanged';
  /** Chart images attached to the page. */
  attachments: string[];
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
    private readonly pages: ConfluencePageRepository,
    @Optional() private readonly confluence?: ConfluenceGateway,
    @Optional()
    @Inject(ConfluenceConfig)
    private readonly confluenceConfig?: Pick<ConfluenceConfig, 'baseUrl' | 'spaceKey' | 'parentPageId'>,
    @Optional() @Inject(JiraConfig) private readonly jiraConfig?: Pick<JiraConfig, 'baseUrl'>,
    @Optional() private readonly publicLinks?: PublicLinks,
  ) {}

  /** Whether `publish` can work (Confluence is configured). */
  get canPublish(): boolean {
    return Boolean(this.confluence && this.confluenceConfig);
  }

  /**
   * Ends a sprint: closes it (a JIRA sprint through the Agile API) and, when Confluence is
   * configured, publishes its review. What the API's close route and the end-of-sprint schedule call.
   */
  async end(sprintId: string, actor: string): Promise<{ sprint: SprintSummaryView; review: PublishedReview | null }> {
    const closed = await this.sprintsService.close(sprintId, actor);
    const review = this.canPublish
      ? await this.publish(sprintId).catch((error: unknown) => {
          if (!(error instanceof ServiceUnavailableError)) throw error;
          throw new ServiceUnavailableError(
            `sprint ${closed.name} is closed, but its review was not published: ${error.message}; publish it with POST /api/v1/sprints/${sprintId}/publish`,
          );
        })
      : null;
    return { sprint: await this.summary(sprintId), review };
  }

  /**
   * Publishes (or updates) the "<sprint> review" page under the runbook root of the sprint's
   * environment (else of its latest deployment's, else under CONFLUENCE_PARENT_PAGE_ID), with the
   * burndown and phase-timeline charts attached as PNG images. An unchanged body is not rewritten;
   * the charts are uploaded again (a new attachment version) only when the page changed.
   */
  async publish(sprintId: string, now: Date = new Date()): Promise<PublishedReview> {
    try {
      return await this.publishPage(sprintId, now);
    } catch (error) {
      if (!isTransient(error)) throw error;
      throw new ServiceUnavailableError(
        `Confluence unreachable: the review of sprint ${sprintId} was not published (${(error as Error).message})`,
      );
    }
  }

  private async publishPage(sprintId: string, now: Date): Promise<PublishedReview> {
    if (!this.confluence || !this.confluenceConfig) {
      throw new ConflictError('Confluence is not configured (CONFLUENCE_BASE_URL): the sprint review cannot be published');
    }
    const report = await this.report(sprintId, now);
    const data = await this.sprints.reportData(sprintId);
    if (!data) throw new NotFoundError(`sprint ${sprintId} does not exist`);
    const environmentId = data.environmentId ?? data.deployments.at(-1)?.environment.id ?? null;
    const root = environmentId ? await this.pages.find(environmentId, 'root', confluenceSite(this.confluenceConfig)) : null;
    const parentId = root?.pageId ?? this.confluenceConfig.parentPageId;
    const charted = await reviewAttachments(report);
    const charts = chartsOf(charted);
    const title = reviewPageTitle(report.sprint.name);
    const body = buildReviewPage(report, {
      jiraBaseUrl: this.jiraConfig?.baseUrl.toString().replace(/\/+$/, ''),
      deploymentUrl: (id) => this.publicLinks?.deployment(id),
      charts,
    });

    const space = this.confluenceConfig.spaceKey;
    const existing =
      (data.reviewPageId ? await this.confluence.findPage(data.reviewPageId) : null) ??
      (await this.confluence.findPageByTitle(space, title));
    let action: PublishedReview['action'];
    let page: { id: string; url: string; version: number };
    if (!existing) {
      page = await this.confluence.createPage(space, title, body, parentId);
      await this.confluence.addLabels(page.id, ['opsprint', 'sprint-review']);
      action = 'created';
    } else if (existing.title === title && sha256(existing.body) === sha256(body)) {
      page = existing;
      action = 'unchanged';
    } else {
      page = await this.confluence.updatePage(existing.id, title, body, existing.version, {
        lastWrittenVersion: data.reviewPageVersion ?? undefined,
      });
      action = 'updated';
    }
    const attachments: string[] = [];
    const have = action === 'unchanged' ? new Set((await this.confluence.attachments(page.id)).map((a) => a.title)) : new Set<string>();
    for (const chart of charted) {
      if (!have.has(chart.filename)) await this.confluence.putAttachment(page.id, chart.filename, chart.png);
      attachments.push(chart.filename);
    }
    await this.sprints.setReviewPage(sprintId, { pageId: page.id, url: page.url, version: page.version, publishedAt: new Date() });
    await this.audit.record('sprint-review', 'sprint.review.published', sprintId, {
      title,
      url: page.url,
      version: page.version,
      action,
      attachments,
    });
    return { sprintId, title, pageId: page.id, url: page.url, version: page.version, action, attachments };
  }

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

  /** Why the JIRA board could not be read at the last try, and when the stored sprints were read (null: it could). */
  boardUnreachable(): Promise<BoardUnreachable | null> {
    return this.sprintsService.boardUnreachable();
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
