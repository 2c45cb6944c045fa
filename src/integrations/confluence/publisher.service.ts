import { Inject, Injectable } from '@nestjs/common';
import { ConfluenceConfig, confluenceSite } from '../../config/confluence-config.js';
import { siteOf } from '../../config/jira-config.js';
import { ConfluencePageRepository, type ConfluenceSite } from '../../persistence/repositories/confluence-page.repository.js';
import { DeploymentRepository } from '../../persistence/repositories/deployment.repository.js';
import { JiraLinkRepository } from '../../persistence/repositories/jira-link.repository.js';
import type { ConfluencePageRecord as PageRow } from '../../persistence/records.js';
import type { Runbook } from '../../runbooks/model.js';
import { ConfluenceGateway } from './confluence.gateway.js';
import type { ConfluencePageRecord } from './confluence-page.js';
import { sha256 } from './content-hash.js';
import { buildPhasePage } from './pages/phase.page.js';
import { buildRunbookRootPage } from './pages/runbook-root.page.js';
import { phasePageTitle, rootPageTitle } from './pages/page-titles.js';
import { loadDeployment } from './publisher/deployment-loader.js';
import { type SecretValues, assertNoSecrets } from './publisher/secret-guard.js';

export type PublishAction = 'created' | 'updated' | 'unchanged';

export interface PublishedPage {
  key: string;
  title: string;
  url: string;
  pageId: string;
  version: number;
  action: PublishAction;
}

export interface PublishResult {
  rootUrl: string;
  pages: PublishedPage[];
}

/**
 * Some phase pages could not be published; every other page was. Carries both, so the job can say
 * which phases are in sync and which are failing, and then fail to be retried.
 */
export class PagesNotPublishedError extends Error {
  constructor(
    readonly result: PublishResult,
    readonly failures: { key: string; reason: string }[],
  ) {
    super(`Confluence pages not published: ${failures.map((failure) => `${failure.key} (${failure.reason})`).join('; ')}`);
    this.name = 'PagesNotPublishedError';
  }
}

/** Injection token of the publisher's options (built from the runbook catalog and the JIRA settings). */
export const PUBLISHER_OPTIONS = Symbol('PUBLISHER_OPTIONS');

export interface PublisherOptions {
  runbooks: Runbook[];
  /** e.g. https://example.atlassian.net, for links to epics and stories. */
  jiraBaseUrl?: string;
  /** The JIRA project whose issue links the pages show (links hold per site and project). */
  jiraProjectKey?: string;
  /** Label put on every page OpSprint creates (lets people and CQL find them). */
  label?: string;
}

interface PageDraft {
  key: string;
  title: string;
  body: string;
}

/**
 * Publishes a deployment as a page tree: the environment's runbook root, one page per phase
 * under it. Incremental: a page whose body hash matches the last published one is left alone.
 */
@Injectable()
export class ConfluencePublisher {
  constructor(
    private readonly deployments: DeploymentRepository,
    private readonly pages: ConfluencePageRepository,
    private readonly links: JiraLinkRepository,
    private readonly gateway: ConfluenceGateway,
    @Inject(ConfluenceConfig) private readonly config: Pick<ConfluenceConfig, 'spaceKey' | 'parentPageId'>,
    @Inject(PUBLISHER_OPTIONS) private readonly options: PublisherOptions,
  ) {}

  /**
   * `phaseKey`: only the root and that phase's page, after the phase finished. The other phase
   * pages were published when their own phase finished and the deployment's end publishes the
   * whole tree, so a run of n phases renders and reads about 3n pages instead of n².
   */
  async publishDeployment(deploymentId: string, options: { secrets?: SecretValues; phaseKey?: string } = {}): Promise<PublishResult> {
    const deployment = await this.deployments.evidence(deploymentId, options.phaseKey);
    if (!deployment) throw new Error(`Deployment ${deploymentId} does not exist`);
    const runbook = this.options.runbooks.find((candidate) => candidate.key === deployment.runbookKey);
    if (!runbook) throw new Error(`No runbook "${deployment.runbookKey}" is known to the Confluence publisher`);

    const { jiraBaseUrl, jiraProjectKey } = this.options;
    const jiraSite = jiraBaseUrl && jiraProjectKey ? { site: siteOf(jiraBaseUrl), projectKey: jiraProjectKey } : undefined;
    const loaded = await loadDeployment(this.deployments, this.links, deployment, runbook, jiraBaseUrl, jiraSite);
    // The rows of every page at once: a deployment publishes its tree after each phase, mostly unchanged.
    const rows = new Map((await this.pages.list(loaded.environmentId, this.at)).map((row) => [row.key, row]));
    const root: PageDraft = { key: 'root', title: rootPageTitle(loaded.environment), body: buildRunbookRootPage(loaded.root) };
    const phases: PageDraft[] = loaded.phases.map((data) => ({
      key: `phase:${data.phase.key}`,
      title: phasePageTitle(loaded.environment, data.phase),
      body: buildPhasePage(data),
    }));
    // Every body is checked before the first request: a leak must not half-publish a tree.
    for (const draft of [root, ...phases]) assertNoSecrets(draft.title, draft.body, options.secrets);

    // Without the root there is no tree: its failure is the whole deployment's. A phase page that
    // fails does not hold up the others; the error names it once every other page is published.
    const rootPage = await this.publish(loaded.environmentId, root, this.config.parentPageId, rows.get(root.key));
    const pages = [rootPage];
    const failures: { key: string; reason: string }[] = [];
    for (const draft of phases) {
      try {
        pages.push(await this.publish(loaded.environmentId, draft, rootPage.pageId, rows.get(draft.key)));
      } catch (error) {
        failures.push({ key: draft.key, reason: (error instanceof Error ? error.message : String(error)).split('\n')[0]! });
      }
    }
    const result = { rootUrl: rootPage.url, pages };
    if (failures.length > 0) throw new PagesNotPublishedError(result, failures);
    return result;
  }

  /** Page rows hold for one site and space: pointed elsewhere, the tree is published afresh there. */
  private get at(): ConfluenceSite {
    return confluenceSite({ baseUrl: this.gateway.baseUrl, spaceKey: this.config.spaceKey });
  }

  /** `known`: the page's row, as read before the tree was published. */
  private async publish(
    environmentId: string,
    draft: PageDraft,
    parentId: string | undefined,
    known: PageRow | undefined,
  ): Promise<PublishedPage> {
    const hash = sha256(draft.body);
    const existing =
      (known && (await this.gateway.findPage(known.pageId))) ?? (await this.gateway.findPageByTitle(this.config.spaceKey, draft.title));

    let page: ConfluencePageRecord;
    let action: PublishAction;
    if (!existing) {
      page = await this.gateway.createPage(this.config.spaceKey, draft.title, draft.body, parentId);
      if (this.options.label) await this.gateway.addLabels(page.id, [this.options.label]);
      action = 'created';
    } else if (
      existing.title === draft.title &&
      (sha256(existing.body) === hash ||
        (known?.pageId === existing.id && known.contentHash === hash && known.version === existing.version))
    ) {
      page = existing;
      action = 'unchanged';
    } else {
      const ours = known?.pageId === existing.id ? { lastWrittenHash: known.contentHash, lastWrittenVersion: known.version } : {};
      page = await this.gateway.updatePage(existing.id, draft.title, draft.body, existing.version, ours);
      action = 'updated';
    }

    const row = { key: draft.key, pageId: page.id, title: draft.title, version: page.version, contentHash: hash };
    const rowStands =
      known?.pageId === row.pageId && known.title === row.title && known.version === row.version && known.contentHash === row.contentHash;
    if (action !== 'unchanged' || !rowStands) await this.pages.save(environmentId, this.at, row, action !== 'unchanged');
    return { key: draft.key, title: draft.title, url: page.url, pageId: page.id, version: page.version, action };
  }
}
