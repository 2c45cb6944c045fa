import { Inject, Injectable } from '@nestjs/common';
import { type JiraFlavor, JiraConfig } from '../../config/jira-config.js';
import type { JiraLinkRecord } from '../../persistence/records.js';
import { type JiraEntityType, JiraLinkRepository, type JiraSite } from '../../persistence/repositories/jira-link.repository.js';
import type { Phase, Runbook, Story } from '../../runbooks/model.js';
import { epicContent, storyContent, type IssueContent } from './issue-content.js';
import { JiraGateway } from './jira.gateway.js';
import { JiraHttpError } from './jira-http-error.js';
import { envLabel, epicEntityKey, OPSPRINT_LABEL, storyEntityKey } from './jira-labels.js';
import type { JiraIssue, JiraIssueFields } from './jira.types.js';
import { knownStatus } from './transition-resolver.js';

/** The flavour (story ↔ epic by `parent` or not) is the gateway's: configured, or asked from the server. */
export type BacklogSyncConfig = Pick<JiraConfig, 'projectKey' | 'epicLinkField'>;

export interface BacklogSyncResult {
  /** phase key → epic key */
  epics: Record<string, string>;
  /** `<phase>/<story>` → story key */
  stories: Record<string, string>;
  created: string[];
  updated: string[];
  unchanged: string[];
  warnings: string[];
}

/** Relates is symmetric and exists in every JIRA; used for epic ↔ story on Data Center without an Epic Link field. */
const EPIC_LINK_TYPE = 'Relates';
const BULK_LIMIT = 50;

/**
 * Mirrors a runbook into JIRA for one environment: one epic per phase, one story per story.
 * Idempotent: an issue is found by its JiraLink row first, then by its labels (so a sync cut
 * off between JIRA's answer and the row being written finds the issue again), and updated only
 * when it differs. Story ↔ epic: `parent` on Cloud; on Data Center the Epic Link custom field
 * when JIRA_EPIC_LINK_FIELD is set, else a "Relates" issue link.
 * It also records every issue's current status (from the same search): the status sync decides
 * from it whether an issue needs a transition, without asking JIRA issue by issue. Stories join a
 * sprint only when a deployment has work for them (SprintPlacement), never here.
 * Two syncs of one environment must not run at once (the caller's queue dedupes per environment).
 */
@Injectable()
export class JiraBacklogSync {
  constructor(
    private readonly links: JiraLinkRepository,
    private readonly gateway: JiraGateway,
    @Inject(JiraConfig) private readonly config: BacklogSyncConfig,
  ) {}

  async sync(environment: { id: string; name: string }, runbook: Runbook): Promise<BacklogSyncResult> {
    // Links hold for one site and project: pointed elsewhere, the environment starts afresh there.
    const at: JiraSite = { site: this.gateway.site, projectKey: this.config.projectKey };
    const deps = { gateway: this.gateway, config: this.config, links: this.links, flavor: await this.gateway.flavor(), at };
    const run = new SyncRun(
      deps,
      environment,
      runbook,
      await this.links.list(environment.id, runbook.key, at),
      await this.existingIssues(environment.name),
    );
    for (const phase of runbook.phases) {
      const epicKey = await run.upsertEpic(phase);
      await run.upsertStories(phase, epicKey);
    }
    // JIRA answers a create without the status: one more search learns the new issues' statuses.
    if (run.result.created.length > 0) await run.learnStatuses(await this.existingIssues(environment.name));
    return run.result;
  }

  private searchFields(): string[] {
    return [
      'summary',
      'description',
      'labels',
      'status',
      'issuetype',
      'parent',
      'issuelinks',
      ...(this.config.epicLinkField ? [this.config.epicLinkField] : []),
    ];
  }

  private existingIssues(environmentName: string): Promise<JiraIssue[]> {
    const jql = `project = "${this.config.projectKey}" AND labels = "${OPSPRINT_LABEL}" AND labels = "${envLabel(environmentName)}" ORDER BY key ASC`;
    return this.gateway.search(jql, this.searchFields());
  }
}

interface SyncDeps {
  gateway: JiraGateway;
  config: BacklogSyncConfig;
  flavor: JiraFlavor;
  links: JiraLinkRepository;
  at: JiraSite;
}

/** One sync: the JiraLink rows and the labelled issues found at its start. */
class SyncRun {
  readonly result: BacklogSyncResult = { epics: {}, stories: {}, created: [], updated: [], unchanged: [], warnings: [] };
  /** JiraLink id of every issue created by this run. */
  private readonly createdLinks = new Map<string, string>();
  private readonly linkByEntity: Map<string, JiraLinkRecord>;
  private readonly issueByKey: Map<string, JiraIssue>;

  constructor(
    private readonly deps: SyncDeps,
    private readonly environment: { id: string; name: string },
    private readonly runbook: Runbook,
    links: JiraLinkRecord[],
    private readonly existing: JiraIssue[],
  ) {
    this.linkByEntity = new Map(links.map((l) => [l.entityKey, l]));
    this.issueByKey = new Map(existing.map((i) => [i.key, i]));
  }

  async upsertEpic(phase: Phase): Promise<string> {
    const content = epicContent(this.runbook, phase, this.environment.name);
    const entityKey = epicEntityKey(phase.key);
    const found = await this.locate(entityKey, 'Epic', content.labels);
    const { gateway, config } = this.deps;
    let key: string;
    if (found) {
      key = await this.updateIfChanged(found, content, {});
      await this.remember(entityKey, 'epic', found);
    } else {
      const created = await gateway.createIssue({ project: { key: config.projectKey }, issuetype: { name: 'Epic' }, ...content });
      key = created.key;
      this.result.created.push(key);
      const link = await this.deps.links.save({
        environmentId: this.environment.id,
        at: this.deps.at,
        runbookKey: this.runbook.key,
        entityKey,
        entityType: 'epic',
        issueKey: key,
        issueId: created.id,
        status: null,
      });
      this.createdLinks.set(key, link.id);
    }
    this.result.epics[phase.key] = key;
    return key;
  }

  async upsertStories(phase: Phase, epicKey: string): Promise<void> {
    const { gateway, config } = this.deps;
    const toCreate: { story: Story; fields: JiraIssueFields }[] = [];
    for (const story of phase.stories) {
      const content = storyContent(this.runbook, phase, story, this.environment.name);
      const entityKey = storyEntityKey(phase.key, story.key);
      const found = await this.locate(entityKey, 'Story', content.labels);
      if (found) {
        const key = await this.updateIfChanged(found, content, this.epicFields(epicKey));
        await this.ensureIssueLink(found, epicKey);
        await this.remember(entityKey, 'story', found);
        this.result.stories[entityKey] = key;
      } else {
        toCreate.push({
          story,
          fields: { project: { key: config.projectKey }, issuetype: { name: 'Story' }, ...content, ...this.epicFields(epicKey) },
        });
      }
    }
    for (let i = 0; i < toCreate.length; i += BULK_LIMIT) {
      const chunk = toCreate.slice(i, i + BULK_LIMIT);
      const answer = await gateway.bulkCreate(chunk.map((c) => c.fields));
      const failed = new Set((answer.errors as { failedElementNumber?: number }[]).map((e) => e.failedElementNumber));
      const succeeded = chunk.filter((_, index) => !failed.has(index));
      for (const [index, { story }] of succeeded.entries()) {
        const created = answer.issues[index];
        const entityKey = storyEntityKey(phase.key, story.key);
        const link = await this.deps.links.save({
          environmentId: this.environment.id,
          at: this.deps.at,
          runbookKey: this.runbook.key,
          entityKey,
          entityType: 'story',
          issueKey: created.key,
          issueId: created.id,
          status: null,
        });
        this.createdLinks.set(created.key, link.id);
        await this.ensureIssueLink({ id: created.id, key: created.key, fields: {} }, epicKey);
        this.result.stories[entityKey] = created.key;
        this.result.created.push(created.key);
      }
      if (failed.size)
        throw new Error(`JIRA refused ${failed.size} of ${chunk.length} stories of phase "${phase.key}": ${JSON.stringify(answer.errors)}`);
    }
  }

  private epicFields(epicKey: string): JiraIssueFields {
    const { config, flavor } = this.deps;
    if (flavor === 'cloud') return { parent: { key: epicKey } };
    return config.epicLinkField ? { [config.epicLinkField]: epicKey } : {};
  }

  private async ensureIssueLink(story: JiraIssue, epicKey: string): Promise<void> {
    const { config, gateway, flavor } = this.deps;
    if (flavor === 'cloud' || config.epicLinkField) return;
    const links = (story.fields.issuelinks ?? []) as {
      type?: { name?: string };
      inwardIssue?: { key?: string };
      outwardIssue?: { key?: string };
    }[];
    if (links.some((l) => l.type?.name === EPIC_LINK_TYPE && (l.inwardIssue?.key === epicKey || l.outwardIssue?.key === epicKey))) return;
    await gateway.linkIssues(EPIC_LINK_TYPE, epicKey, story.key);
  }

  /** JiraLink first; then labels (an issue JIRA stored whose row was never written). */
  private async locate(entityKey: string, issueType: string, labels: string[]): Promise<JiraIssue | null> {
    const link = this.linkByEntity.get(entityKey);
    if (link) {
      const listed = this.issueByKey.get(link.issueKey);
      if (listed) return listed;
      try {
        // Someone removed our labels: the row still knows the issue.
        return await this.deps.gateway.findIssue(link.issueKey);
      } catch (error) {
        if (!(error instanceof JiraHttpError) || error.status !== 404) throw error;
        this.result.warnings.push(`${link.issueKey} (${entityKey}) no longer exists in JIRA; creating it again`);
        await this.deps.links.remove(link.id);
      }
    }
    const matches = this.existing.filter(
      (i) => i.fields.issuetype?.name === issueType && labels.every((l) => i.fields.labels?.includes(l)),
    );
    if (matches.length > 1)
      this.result.warnings.push(
        `${entityKey}: several issues carry its labels (${matches.map((m) => m.key).join(', ')}); using the oldest`,
      );
    return matches[0] ?? null;
  }

  private async updateIfChanged(issue: JiraIssue, content: IssueContent, extra: JiraIssueFields): Promise<string> {
    const fields: JiraIssueFields = {};
    if (issue.fields.summary !== content.summary) fields.summary = content.summary;
    if ((issue.fields.description ?? '') !== content.description) fields.description = content.description;
    const labels = issue.fields.labels ?? [];
    if (content.labels.some((l) => !labels.includes(l))) fields.labels = [...new Set([...labels, ...content.labels])];
    for (const [name, value] of Object.entries(extra)) {
      const current = issue.fields[name] as { key?: string } | string | undefined;
      const currentKey = typeof current === 'string' ? current : current?.key;
      const wantedKey = typeof value === 'string' ? value : (value as { key?: string }).key;
      if (currentKey !== wantedKey) fields[name] = value;
    }
    if (Object.keys(fields).length === 0) {
      this.result.unchanged.push(issue.key);
      return issue.key;
    }
    await this.deps.gateway.updateIssue(issue.key, fields);
    this.result.updated.push(issue.key);
    return issue.key;
  }

  /** Statuses of the issues this run created, from a search made after creating them. */
  async learnStatuses(issues: JiraIssue[]): Promise<void> {
    for (const issue of issues) {
      const linkId = this.createdLinks.get(issue.key);
      if (linkId && issue.fields.status) await this.deps.links.setStatus(linkId, knownStatus(issue.fields.status));
    }
  }

  /** The row of an issue found again, written when the issue or its status differs from what the row says. */
  private async remember(entityKey: string, entityType: JiraEntityType, issue: JiraIssue): Promise<void> {
    const link = this.linkByEntity.get(entityKey);
    const status = issue.fields.status ? knownStatus(issue.fields.status) : null;
    const sameStatus = !status || (link?.status === status.name && link.statusCategory === status.category);
    if (link?.issueKey === issue.key && sameStatus) return;
    await this.deps.links.save({
      environmentId: this.environment.id,
      at: this.deps.at,
      runbookKey: this.runbook.key,
      entityKey,
      entityType,
      issueKey: issue.key,
      issueId: issue.id,
      ...(status ? { status } : {}),
    });
  }
}
