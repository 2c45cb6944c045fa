import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { ConflictError, InputError, NotFoundError, ServiceUnavailableError } from '../common/errors.js';
import { JiraConfig } from '../config/jira-config.js';
import { AtlassianHttpError, AtlassianNetworkError, isTransient } from '../integrations/http/http-error.js';
import type { RetryPolicy } from '../integrations/http/retry.js';
import { JiraGateway } from '../integrations/jira/jira.gateway.js';
import { epicEntityKey, labelValue, storyEntityKey } from '../integrations/jira/jira-labels.js';
import { isOpsprintSprintOf } from '../integrations/jira/sprint-placement.js';
import type { JiraIssue, JiraSprint } from '../integrations/jira/jira.types.js';
import { storyPointFieldIds, storyPointsOf } from '../integrations/jira/story-points.js';
import { JiraSprintLifecycle } from '../integrations/jira/sprint-lifecycle.service.js';
import type { SprintRecord } from '../persistence/records.js';
import { AuditRepository } from '../persistence/repositories/audit.repository.js';
import { EnvironmentRepository } from '../persistence/repositories/environment.repository.js';
import { JiraLinkRepository } from '../persistence/repositories/jira-link.repository.js';
import { type NewScopeChange, type ScopeStory, SprintRepository } from '../persistence/repositories/sprint.repository.js';
import { StoryStatusRepository } from '../persistence/repositories/story-status.repository.js';
import { RunbookCatalog } from '../runbooks/catalog.js';
import { runbookStoryRef } from './load/sprint-input.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** How long a read of the JIRA board stays fresh for listing and reports (a close or publish always reads it again). */
const BOARD_FRESH_MS = 30_000;
const ISSUE_FIELDS = ['summary', 'status', 'labels', 'parent', 'issuetype'];
/**
 * Board reads for a page or an API answer: one retry and no long Retry-After wait, since the
 * stored sprints answer meanwhile. The gateway's default (5 attempts, backoff up to 20 s, honouring
 * a Retry-After up to 2 min) held a page for seconds to minutes while JIRA was down.
 */
const QUICK_BOARD_READ: Partial<RetryPolicy> = { attempts: 2, maxRetryAfterMs: 2000 };

/** The JIRA board could not be read: pages and answers show the sprints as last read. */
export interface BoardUnreachable {
  /** What JIRA answered, or the connection error (no secret: the gateway's messages carry none). */
  reason: string;
  /** When the stored sprints were last read from the board (null: never). */
  dataFrom: Date | null;
}

/** JIRA answered an error or could not be reached at all. */
const isAtlassianFailure = (error: unknown): error is Error =>
  error instanceof AtlassianHttpError || error instanceof AtlassianNetworkError;

/** A sprint change that needs JIRA, refused with 503 (try again) when JIRA cannot be reached, is down or rate limits. */
async function unavailableWhenJiraFails<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!isTransient(error)) throw error;
    throw new ServiceUnavailableError(`JIRA unreachable: ${what} (${(error as Error).message}); try again when JIRA answers`);
  }
}

export interface CreateSprintInput {
  name: string;
  goal?: string | null;
  /** Default: now (the sprint starts at once). */
  startAt?: Date;
  endAt: Date;
  /** The environment the sprint deploys; its runbook stories form the committed backlog. */
  environment?: string;
  /** Phases whose stories are committed (default: every phase of the runbook). */
  phases?: string[];
  runbook?: string;
  actor: string;
}

/**
 * The sprint model's use cases: sprints come from the JIRA board (Agile API) when JIRA is
 * configured with a board, else they are created through the API. Deployments belong to the
 * sprint active when they started; the backlog is what was committed at the start plus every
 * story added or removed afterwards, with its time.
 */
@Injectable()
export class SprintsService {
  private readonly logger = new Logger('Sprints');
  private boardReadAt = 0;
  private boardRead: Promise<void> | null = null;
  private pointFields: Promise<string[]> | null = null;
  /** Why the last read of the board failed; null after a read that worked. */
  private boardFailure: string | null = null;

  constructor(
    private readonly sprints: SprintRepository,
    private readonly statuses: StoryStatusRepository,
    private readonly environments: EnvironmentRepository,
    private readonly links: JiraLinkRepository,
    private readonly audit: AuditRepository,
    private readonly catalog: RunbookCatalog,
    @Optional() private readonly jira?: JiraGateway,
    @Optional() private readonly lifecycle?: JiraSprintLifecycle,
    @Optional() @Inject(JiraConfig) private readonly jiraConfig?: Pick<JiraConfig, 'boardId' | 'sprintDays'>,
  ) {
    this.quickJira = jira?.withRetry(QUICK_BOARD_READ);
  }

  private readonly quickJira?: JiraGateway;

  /** Sprints come from the JIRA board (and cannot be created here). */
  get fromJira(): boolean {
    return Boolean(this.jira && this.jiraConfig?.boardId !== null && this.jiraConfig?.boardId !== undefined);
  }

  async create(input: CreateSprintInput): Promise<SprintRecord> {
    if (this.fromJira) {
      throw new ConflictError(`sprints come from the JIRA board ${this.jiraConfig!.boardId}: create and start the sprint there`);
    }
    const now = new Date();
    const startAt = input.startAt ?? now;
    const reasons: string[] = [];
    if (!input.name.trim()) reasons.push('name: must not be empty');
    if (input.endAt <= startAt) reasons.push(`endAt: must be after startAt (${startAt.toISOString()})`);
    const environment = input.environment ? await this.environments.findByName(input.environment) : null;
    if (input.environment && !environment) reasons.push(`environment: "${input.environment}" does not exist`);
    const stories = environment ? this.runbookStories(environment, input, reasons) : [];
    if (reasons.length > 0) throw new InputError(reasons);
    const committed = await this.withIssueKeys(environment, stories);
    const sprint = await this.sprints.create(
      {
        name: input.name.trim(),
        goal: input.goal?.trim() || null,
        startAt,
        endAt: input.endAt,
        state: startAt <= now ? 'active' : 'future',
        source: 'opsprint',
        environmentId: environment?.id ?? null,
      },
      committed.map((story) => ({ ...story, kind: 'committed', at: startAt })),
    );
    await this.audit.record(input.actor, 'sprint.create', sprint.id, {
      name: sprint.name,
      environment: environment?.name ?? null,
      stories: committed.length,
    });
    if (sprint.state === 'active') await this.sprints.adoptDeployments(sprint);
    return sprint;
  }

  /** Scope added to or removed from a running sprint now (the burndown shows it). */
  async changeScope(sprintId: string, kind: 'added' | 'removed', stories: ScopeStory[], actor: string): Promise<void> {
    const sprint = await this.get(sprintId);
    if (sprint.state === 'closed') throw new ConflictError(`sprint ${sprint.name} is closed: its scope no longer changes`);
    const at = new Date();
    await this.sprints.addScopeChanges(
      sprint.id,
      stories.map((story) => ({ ...story, kind: sprint.state === 'future' && kind === 'added' ? 'committed' : kind, at })),
    );
    await this.audit.record(actor, `sprint.scope.${kind}`, sprint.id, { stories: stories.map((s) => s.storyKey) });
  }

  async get(id: string): Promise<SprintRecord> {
    const sprint = await this.sprints.find(id);
    if (!sprint) throw new NotFoundError(`sprint ${id} does not exist`);
    return sprint;
  }

  /**
   * Closes a sprint now (a JIRA sprint through the Agile API, so JIRA's own report exists too).
   * Closing a closed sprint changes nothing; a future one cannot be closed.
   */
  async close(id: string, actor: string): Promise<SprintRecord> {
    let sprint = await this.get(id);
    if (sprint.source === 'jira' && sprint.jiraSprintId !== null) {
      if (!this.lifecycle || !this.jira) throw new ConflictError(`sprint ${sprint.name} lives in JIRA, and JIRA is not configured`);
      const { jira, lifecycle } = this;
      const jiraSprintId = sprint.jiraSprintId;
      sprint = await unavailableWhenJiraFails(`sprint ${sprint.name} cannot be closed now`, async () => {
        await this.readSprint(await jira.getSprint(jiraSprintId));
        return this.readSprint(await lifecycle.close(jiraSprintId));
      });
    } else {
      if (sprint.state === 'future') throw new ConflictError(`sprint ${sprint.name} has not started: only an active sprint can be closed`);
      if (sprint.state === 'active') {
        await this.sprints.markClosed(sprint.id, new Date());
        sprint = await this.get(id);
      }
    }
    await this.audit.record(actor, 'sprint.close', sprint.id, {
      name: sprint.name,
      completedAt: sprint.completedAt?.toISOString() ?? null,
    });
    return sprint;
  }

  /** Starts a future sprint now (a JIRA sprint through the Agile API). */
  async start(id: string, actor: string): Promise<SprintRecord> {
    let sprint = await this.get(id);
    if (sprint.state === 'closed') throw new ConflictError(`sprint ${sprint.name} is closed`);
    if (sprint.source === 'jira' && sprint.jiraSprintId !== null) {
      if (!this.lifecycle) throw new ConflictError(`sprint ${sprint.name} lives in JIRA, and JIRA is not configured`);
      const { lifecycle } = this;
      const jiraSprintId = sprint.jiraSprintId;
      sprint = await unavailableWhenJiraFails(`sprint ${sprint.name} cannot be started now`, async () =>
        this.readSprint(await lifecycle.start(jiraSprintId)),
      );
    } else if (sprint.state === 'future') {
      const now = new Date();
      const length = sprint.endAt.getTime() - sprint.startAt.getTime();
      const endAt = sprint.endAt > now ? sprint.endAt : new Date(now.getTime() + length);
      await this.sprints.markStarted(sprint.id, now, endAt);
      sprint = await this.get(id);
    }
    await this.sprints.adoptDeployments(sprint);
    await this.audit.record(actor, 'sprint.start', sprint.id, { name: sprint.name });
    return sprint;
  }

  /** Active sprints whose planned end has come (the scheduler closes them and publishes their review). */
  async due(now = new Date()): Promise<SprintRecord[]> {
    return (await this.sprints.list({ state: 'active', limit: 500 })).filter((sprint) => sprint.endAt <= now);
  }

  /**
   * Puts a deployment into the sprint active now for its environment (called when it starts).
   * Future OpSprint sprints whose start has come are started first.
   */
  async assignDeployment(deployment: { deploymentId: string; environmentId: string }, at: Date): Promise<SprintRecord | null> {
    await this.startDueSprints(at);
    const sprint = await this.sprints.activeAt(deployment.environmentId, at);
    if (sprint) await this.sprints.assignDeployment(deployment.deploymentId, sprint.id);
    return sprint;
  }

  /**
   * Reads the JIRA board again when the last read is older than a few seconds (or when forced).
   * A board JIRA does not serve (down, refusing, rate limiting) is not an error here: what
   * PostgreSQL holds from the last read stays, and `boardUnreachable` says so until a read works.
   * After a failed read the next try waits as long as a good read stays fresh. `patient`: retry
   * JIRA as long as background work does (a schedule), not as briefly as a page does.
   */
  async refresh(options: { force?: boolean; patient?: boolean } = {}): Promise<void> {
    if (!this.fromJira) {
      await this.startDueSprints(new Date());
      return;
    }
    if (!options.force && Date.now() - this.boardReadAt < BOARD_FRESH_MS) return;
    this.boardRead ??= this.readBoard(options.patient ? this.jira! : this.quickJira!).finally(() => {
      this.boardRead = null;
    });
    await this.boardRead;
  }

  /**
   * Why the last read of the JIRA board failed and when the stored data was read (null when the
   * last read worked, or sprints do not come from JIRA).
   */
  async boardUnreachable(): Promise<BoardUnreachable | null> {
    if (!this.boardFailure) return null;
    return { reason: this.boardFailure, dataFrom: await this.sprints.lastBoardRead() };
  }

  /** Every sprint of the board, with its issues (scope changes and statuses as seen now). */
  private async readBoard(via: JiraGateway): Promise<void> {
    const readAt = new Date();
    try {
      const sprints = await via.getSprints(this.jiraConfig!.boardId!);
      for (const sprint of sprints) await this.readSprint(sprint, via);
      await this.sprints.markBoardRead(
        sprints.map((sprint) => sprint.id),
        readAt,
      );
      this.boardFailure = null;
    } catch (error) {
      if (!isAtlassianFailure(error)) throw error;
      if (!this.boardFailure)
        this.logger.warn(`JIRA board ${this.jiraConfig!.boardId} unreachable, sprints are served as stored: ${error.message}`);
      this.boardFailure = error.message;
    } finally {
      this.boardReadAt = Date.now();
    }
  }

  /**
   * Records one JIRA sprint: its dates and state, and (once it started) its backlog. The issues in
   * it when OpSprint first sees it running are its commitment; later arrivals are scope added,
   * departures scope removed, both at the time they were seen. A story's status category is
   * recorded when it differs from the last one recorded.
   */
  private async readSprint(jira: JiraSprint, via: JiraGateway = this.jira!): Promise<SprintRecord> {
    const now = new Date();
    const startAt = jira.startDate ? new Date(jira.startDate) : now;
    const endAt = jira.endDate ? new Date(jira.endDate) : new Date(startAt.getTime() + (this.jiraConfig?.sprintDays ?? 14) * DAY_MS);
    const completedAt = jira.state === 'closed' ? (jira.completeDate ? new Date(jira.completeDate) : endAt) : null;
    const fields = {
      name: jira.name,
      goal: jira.goal?.trim() || null,
      startAt,
      endAt: endAt > startAt ? endAt : new Date(startAt.getTime() + DAY_MS),
      state: jira.state,
      completedAt,
    };
    let sprint: SprintRecord | null = await this.sprints.findByJiraId(jira.id);
    if (!sprint) {
      const environment = (await this.environments.list()).find((env) => isOpsprintSprintOf(jira.name, env.name));
      sprint = await this.sprints
        .create({ ...fields, source: 'jira', jiraSprintId: jira.id, environmentId: environment?.id ?? null })
        .catch(async (error: unknown) => {
          // Two reads of the board at once: the other one created it.
          const existing = await this.sprints.findByJiraId(jira.id);
          if (!existing) throw error;
          return existing;
        });
    } else if (
      sprint.name !== fields.name ||
      sprint.goal !== fields.goal ||
      sprint.state !== fields.state ||
      sprint.startAt.getTime() !== fields.startAt.getTime() ||
      sprint.endAt.getTime() !== fields.endAt.getTime() ||
      (sprint.completedAt?.getTime() ?? null) !== (fields.completedAt?.getTime() ?? null)
    ) {
      sprint = await this.sprints.update(sprint.id, fields);
    }
    if (sprint.state === 'future') return sprint;
    const pointFields = await this.storyPointFields(via);
    await this.readScope(sprint, await via.sprintIssues(jira.id, [...ISSUE_FIELDS, ...pointFields]), now, pointFields);
    await this.sprints.adoptDeployments(sprint);
    return sprint;
  }

  /**
   * The site's story points field ids, looked up once by name in GET /field (their ids differ per
   * site); [] when the site has none, and the report then counts stories. A failed look-up is not kept.
   */
  private storyPointFields(via: JiraGateway): Promise<string[]> {
    this.pointFields ??= via.fields().then(
      (fields) => storyPointFieldIds(fields),
      (error: unknown) => {
        this.pointFields = null;
        throw error;
      },
    );
    return this.pointFields;
  }

  private async readScope(sprint: SprintRecord, issues: JiraIssue[], now: Date, pointFields: string[]): Promise<void> {
    const rows = await this.sprints.scopeChanges(sprint.id);
    const inScope = new Set<string>();
    for (const row of rows) {
      if (row.kind === 'removed') inScope.delete(row.storyKey);
      else inScope.add(row.storyKey);
    }
    const firstLook = rows.length === 0;
    // A closed sprint is seen as it was at its close; changes seen later are dated then.
    const seenAt = sprint.completedAt && sprint.completedAt < now ? sprint.completedAt : now;
    const stories = issues.filter((issue) => issue.fields.issuetype?.name !== 'Epic');
    const changes: NewScopeChange[] = [];
    for (const issue of stories) {
      if (inScope.has(issue.key)) continue;
      changes.push({
        ...(await this.storyOf(issue, pointFields)),
        kind: firstLook ? 'committed' : 'added',
        at: firstLook ? sprint.startAt : seenAt,
      });
    }
    const present = new Set(stories.map((issue) => issue.key));
    for (const row of rows) {
      if (!inScope.has(row.storyKey) || present.has(row.storyKey)) continue;
      inScope.delete(row.storyKey);
      changes.push({ ...row, kind: 'removed', at: seenAt });
    }
    await this.sprints.addScopeChanges(sprint.id, changes);
    await this.statuses.record(
      stories.flatMap((issue) => {
        const category = statusCategory(issue);
        return category
          ? [{ storyKey: issue.key, environmentId: null, entityKey: null, category, source: 'jira-board', deploymentId: null, at: seenAt }]
          : [];
      }),
    );
  }

  /** A JIRA story as the backlog keeps it: its epic and, for OpSprint's issues, its runbook phase and story. */
  private async storyOf(issue: JiraIssue, pointFields: string[]): Promise<ScopeStory> {
    const labels = issue.fields.labels ?? [];
    const phaseKey = labelValue(labels, 'phase-');
    const runbookStoryKey = labelValue(labels, 'story-');
    let epicKey = issue.fields.parent?.key ?? null;
    if (!epicKey && phaseKey) {
      const link = await this.links.findByIssueKey(issue.key);
      epicKey = link ? ((await this.links.findByEntity(link.environmentId, epicEntityKey(phaseKey)))?.issueKey ?? null) : null;
    }
    return {
      storyKey: issue.key,
      epicKey,
      phaseKey,
      runbookStoryKey,
      title: issue.fields.summary ?? issue.key,
      // The estimate when the story entered the sprint: the commitment JIRA's own sprint report shows.
      storyPoints: storyPointsOf(issue, pointFields),
    };
  }

  private async startDueSprints(now: Date): Promise<void> {
    for (const sprint of await this.sprints.list({ state: 'future', limit: 500 })) {
      if (sprint.source !== 'opsprint' || sprint.startAt > now) continue;
      if (await this.sprints.markStarted(sprint.id, sprint.startAt, sprint.endAt)) {
        this.logger.log(`sprint ${sprint.name} started (its start date came)`);
        await this.sprints.adoptDeployments(sprint);
      }
    }
  }

  /** The runbook stories of the chosen phases, keyed by runbook reference (JIRA keys are filled in after). */
  private runbookStories(
    environment: { id: string; name: string },
    input: Pick<CreateSprintInput, 'phases' | 'runbook'>,
    reasons: string[],
  ): (ScopeStory & { entityKey: string })[] {
    const runbook = this.catalog.get(input.runbook ?? 'openstack-liberty');
    if (!runbook) {
      reasons.push(`runbook: "${input.runbook}" is not one of ${[...this.catalog.keys()].join(', ')}`);
      return [];
    }
    const unknown = (input.phases ?? []).filter((key) => !runbook.phases.some((phase) => phase.key === key));
    if (unknown.length > 0) reasons.push(`phases: ${unknown.map((key) => `"${key}"`).join(', ')} not in runbook ${runbook.key}`);
    const phases = input.phases?.length ? runbook.phases.filter((phase) => input.phases!.includes(phase.key)) : runbook.phases;
    return phases.flatMap((phase) =>
      phase.stories.map((story) => ({
        storyKey: runbookStoryRef(environment.name, phase.key, story.key),
        entityKey: storyEntityKey(phase.key, story.key),
        epicKey: null,
        phaseKey: phase.key,
        runbookStoryKey: story.key,
        title: story.title,
        storyPoints: null,
      })),
    );
  }

  /** JIRA keys for stories whose issues exist already (the backlog sync made them). */
  private async withIssueKeys(environment: { id: string } | null, stories: (ScopeStory & { entityKey: string })[]): Promise<ScopeStory[]> {
    if (!environment) return stories.map(({ entityKey: _, ...story }) => story);
    const links = new Map((await this.links.forEnvironments([environment.id])).map((link) => [link.entityKey, link.issueKey]));
    return stories.map(({ entityKey, ...story }) => ({
      ...story,
      storyKey: links.get(entityKey) ?? story.storyKey,
      epicKey: story.phaseKey ? (links.get(epicEntityKey(story.phaseKey)) ?? null) : null,
    }));
  }
}

/** JIRA's status category key → the report's logical state (a Blocked status is in progress to JIRA). */
function statusCategory(issue: JiraIssue): 'todo' | 'in_progress' | 'done' | 'blocked' | null {
  const status = issue.fields.status;
  if (!status) return null;
  if (/block/i.test(status.name)) return 'blocked';
  switch (status.statusCategory?.key) {
    case 'new':
      return 'todo';
    case 'indeterminate':
      return 'in_progress';
    case 'done':
      return 'done';
    default:
      return null;
  }
}
