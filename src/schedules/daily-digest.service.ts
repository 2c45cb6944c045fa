import { Inject, Injectable, Optional } from '@nestjs/common';
import { ConfluenceConfig, confluenceSite } from '../config/confluence-config.js';
import { PublicLinks } from '../config/public-url.js';
import { JiraConfig } from '../config/jira-config.js';
import { Runtime } from '../config/runtime.js';
import { ConfluenceGateway } from '../integrations/confluence/confluence.gateway.js';
import { sha256 } from '../integrations/confluence/content-hash.js';
import { JiraGateway } from '../integrations/jira/jira.gateway.js';
import type { JsonValue } from '../persistence/records.js';
import { ConfluencePageRepository } from '../persistence/repositories/confluence-page.repository.js';
import { EnvironmentRepository } from '../persistence/repositories/environment.repository.js';
import { buildDailyDigest, type DailyDigest } from '../reports/index.js';
import { SprintReviewService } from '../reports/sprint-review.service.js';
import { dailyScrumComment, dailyScrumPage } from './daily-digest-content.js';
import { type FiringResult, ScheduleFirings } from './schedule-firings.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The daily scrum digest of every active sprint, from the sprint data (SprintReviewService) through
 * the pure `buildDailyDigest`: what got done since yesterday, what runs now, what is blocked. It
 * updates the environment's "Daily scrum" page under the runbook root (one page, a new version a
 * day) and comments on each epic of the sprint backlog, when Confluence and JIRA are configured.
 */
@Injectable()
export class DailyDigestService {
  constructor(
    private readonly reviews: SprintReviewService,
    private readonly environments: EnvironmentRepository,
    private readonly pages: ConfluencePageRepository,
    private readonly firings: ScheduleFirings,
    private readonly runtime: Runtime,
    @Optional() private readonly confluence?: ConfluenceGateway,
    @Optional() @Inject(ConfluenceConfig) private readonly confluenceConfig?: Pick<ConfluenceConfig, 'spaceKey' | 'parentPageId'>,
    @Optional() private readonly jira?: JiraGateway,
    @Optional() @Inject(JiraConfig) private readonly jiraConfig?: Pick<JiraConfig, 'baseUrl'>,
    @Optional() private readonly publicLinks?: PublicLinks,
  ) {}

  async publish(fireKey: string, now: Date = new Date()): Promise<FiringResult> {
    return this.firings.fire('daily-digest', fireKey, async () => {
      if (!this.runtime.config.schedules.dailyDigest.enabled) {
        return { outcome: 'skipped', reason: 'the daily digest is off (DAILY_DIGEST_ENABLED=false)' };
      }
      const active = (await this.reviews.listSprints()).filter((sprint) => sprint.state === 'active');
      if (active.length === 0) return { outcome: 'skipped', reason: 'no active sprint' };
      const detail: JsonValue[] = [];
      for (const sprint of active) {
        const input = await this.reviews.input(sprint.id);
        const digest = buildDailyDigest(input, new Date(now.getTime() - DAY_MS), now);
        const environment = sprint.environment ?? input.deployments.at(-1)?.environment ?? null;
        const page = await this.publishPage(digest, environment);
        const epics = [
          ...new Set(
            [...input.sprint.committed, ...input.sprint.scopeChanges.filter((c) => c.kind === 'added').map((c) => c.story)]
              .map((story) => story.epicKey)
              .filter((key): key is string => key !== null),
          ),
        ].sort();
        const comment = dailyScrumComment(digest, page?.url ?? null, (id) => this.publicLinks?.deployment(id));
        if (this.jira) for (const epic of epics) await this.jira.addComment(epic, comment);
        detail.push({
          sprint: sprint.name,
          done: digest.done.length,
          running: digest.running.length,
          blocked: digest.blocked.length,
          page: page?.url ?? null,
          epicsCommented: this.jira ? epics : [],
        });
      }
      return { outcome: 'done', detail };
    });
  }

  /** The "Daily scrum" page under the environment's runbook root (else under CONFLUENCE_PARENT_PAGE_ID); null without Confluence. */
  private async publishPage(digest: DailyDigest, environmentName: string | null): Promise<{ url: string; version: number } | null> {
    if (!this.confluence || !this.confluenceConfig) return null;
    const environment = environmentName ? await this.environments.findByName(environmentName) : null;
    const at = confluenceSite({ baseUrl: this.confluence.baseUrl, spaceKey: this.confluenceConfig.spaceKey });
    const root = environment ? await this.pages.find(environment.id, 'root', at) : null;
    const title = environment ? `${environment.name} — Daily scrum` : `${digest.sprint.name} — Daily scrum`;
    const body = dailyScrumPage(digest, this.jiraConfig?.baseUrl.toString().replace(/\/+$/, ''), (id) => this.publicLinks?.deployment(id));
    const space = this.confluenceConfig.spaceKey;
    // Found by its title (unique per space): one page per environment, a new version each day it changes.
    const existing = await this.confluence.findPageByTitle(space, title);
    let page: { id: string; url: string; version: number };
    if (!existing) {
      page = await this.confluence.createPage(space, title, body, root?.pageId ?? this.confluenceConfig.parentPageId);
      await this.confluence.addLabels(page.id, ['opsprint', 'daily-scrum']);
    } else if (sha256(existing.body) === sha256(body)) {
      page = existing;
    } else {
      // The page is the digest's alone: a concurrent edit is overwritten by the next digest anyway.
      page = await this.confluence.updatePage(existing.id, title, body, existing.version, { lastWrittenVersion: existing.version });
    }
    return { url: page.url, version: page.version };
  }
}
