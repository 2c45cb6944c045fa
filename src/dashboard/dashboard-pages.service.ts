import { Injectable } from '@nestjs/common';
import { confluenceSite } from '../config/confluence-config.js';
import { jiraSite } from '../config/jira-config.js';
import { Runtime } from '../config/runtime.js';
import { DeploymentsService } from '../deployments/deployments.service.js';
import { EnvironmentsService } from '../environments/environments.service.js';
import { isDoneStep } from '../persistence/ledger-status.js';
import { ConfluencePageRepository } from '../persistence/repositories/confluence-page.repository.js';
import { DeploymentRepository } from '../persistence/repositories/deployment.repository.js';
import { JiraLinkRepository } from '../persistence/repositories/jira-link.repository.js';
import { RunbookCatalog } from '../runbooks/catalog.js';
import { DriftCheckService } from '../schedules/drift-check.service.js';
import { SchedulesService } from '../schedules/schedules.service.js';
import { DashboardLinks } from './dashboard-links.js';

type Deployment = Awaited<ReturnType<DeploymentsService['get']>>;

export interface NodeProgress {
  node: string;
  done: number;
  total: number;
  failed: number;
  running?: string;
}

export interface PhaseProgress {
  key: string;
  title: string;
  status: string;
  startedAt: Date | null;
  finishedAt: Date | null;
  durationMs: number | null;
  error: string | null;
  nodes: NodeProgress[];
  epicUrl?: string;
  epicKey?: string;
  pageUrl?: string;
}

/** A step the drift check found no longer as the runbook left it (stored masked). */
export interface DriftFindingView {
  stepKey: string;
  node: string;
  title: string;
  note?: string;
}

/** What each dashboard page shows, read from the services; the templates only lay it out. */
@Injectable()
export class DashboardPages {
  constructor(
    private readonly deployments: DeploymentsService,
    private readonly environments: EnvironmentsService,
    private readonly deploymentRows: DeploymentRepository,
    private readonly jiraLinks: JiraLinkRepository,
    private readonly pages: ConfluencePageRepository,
    private readonly catalog: RunbookCatalog,
    private readonly links: DashboardLinks,
    private readonly runtime: Runtime,
    private readonly drift: DriftCheckService,
    private readonly schedules: SchedulesService,
  ) {}

  /** Epic keys of the JIRA site and project configured now (none with JIRA off): a key from another site would not open. */
  private async epicKeys(environmentId: string, runbookKey: string): Promise<Map<string, string>> {
    const jira = this.runtime.config.jira;
    const links = jira ? await this.jiraLinks.list(environmentId, runbookKey, jiraSite(jira)) : [];
    return new Map(links.map((link) => [link.entityKey, link.issueKey]));
  }

  /** Page ids on the Confluence site and space configured now. */
  private async pageIds(environmentId: string): Promise<Map<string, string>> {
    const confluence = this.runtime.config.confluence;
    const pages = confluence ? await this.pages.list(environmentId, confluenceSite(confluence)) : [];
    return new Map(pages.map((page) => [page.key, page.pageId]));
  }

  async overview() {
    const environments = await this.environments.list();
    const recent = await this.deployments.list({ limit: 20 });
    // `recent` is the newest 20 of all: an environment's first deployment in it is its latest.
    // Only environments with none among them need a query of their own (was: one per environment).
    const latestOf = new Map<string, (typeof recent)[number]>();
    for (const deployment of recent) if (!latestOf.has(deployment.environment.name)) latestOf.set(deployment.environment.name, deployment);
    for (const environment of environments) {
      if (latestOf.has(environment.name)) continue;
      const [latest] = await this.deployments.list({ environment: environment.name, limit: 1 });
      if (latest) latestOf.set(environment.name, latest);
    }
    return {
      environments: environments.map((environment) => ({
        name: environment.name,
        description: environment.description,
        nodes: environment.nodes.length,
        latest: latestOf.get(environment.name),
      })),
      recent: recent.map((deployment) => ({ ...deployment, environment: deployment.environment.name, durationMs: duration(deployment) })),
    };
  }

  async environment(name: string) {
    const environment = await this.environments.get(name);
    const [latest] = await this.deployments.list({ environment: name, limit: 1 });
    const runbookKey = latest?.runbookKey ?? 'openstack-liberty';
    const runbook = this.catalog.get(runbookKey);
    const history = await this.deploymentRows.phaseHistory(environment.id, runbookKey);
    const epics = await this.epicKeys(environment.id, runbookKey);
    const pages = await this.pageIds(environment.id);
    const drift = new Map(
      (await this.drift.ofEnvironment(environment.id)).filter((row) => row.runbookKey === runbookKey).map((row) => [row.phaseKey, row]),
    );
    const phases = (runbook?.phases ?? []).map((phase) => {
      const run = history.find((candidate) => candidate.phaseKey === phase.key);
      const checked = drift.get(phase.key);
      return {
        drifted: checked?.drifted ?? false,
        driftedSince: checked?.drifted ? checked.driftedSince : null,
        checkedAt: checked?.checkedAt ?? null,
        driftFindings: checked?.drifted && Array.isArray(checked.findings) ? (checked.findings as unknown as DriftFindingView[]) : [],
        key: phase.key,
        title: phase.title,
        status: run?.status ?? 'not run',
        finishedAt: run?.finishedAt ?? null,
        nodes: run ? run.stepRuns.map((step) => step.node).sort() : [],
        epicKey: epics.get(phase.key),
        epicUrl: this.links.issue(epics.get(phase.key)),
        pageUrl: this.links.page(pages.get(`phase:${phase.key}`)),
      };
    });
    return {
      environment,
      runbook: runbook ? { key: runbook.key, title: runbook.title } : undefined,
      phases,
      latest,
      rootUrl: this.links.page(pages.get('root')),
      schedules: await this.schedules.list({ environment: name }),
    };
  }

  async deployment(id: string) {
    const deployment: Deployment = await this.deployments.get(id);
    const runbook = this.catalog.get(deployment.runbookKey);
    const environment = await this.environments.get(deployment.environment);
    const epics = await this.epicKeys(environment.id, deployment.runbookKey);
    const pages = await this.pageIds(environment.id);
    const phases: PhaseProgress[] = deployment.phaseRuns.map((phaseRun) => {
      const byNode = new Map<string, NodeProgress>();
      for (const step of phaseRun.steps) {
        const node = byNode.get(step.node) ?? { node: step.node, done: 0, total: 0, failed: 0 };
        node.total++;
        if (isDoneStep(step.status)) node.done++;
        if (step.status === 'failed' || step.status === 'cancelled') node.failed++;
        if (step.status === 'running') node.running = step.title;
        byNode.set(step.node, node);
      }
      const epicKey = epics.get(phaseRun.phaseKey);
      return {
        key: phaseRun.phaseKey,
        title: runbook?.phases.find((phase) => phase.key === phaseRun.phaseKey)?.title ?? phaseRun.phaseKey,
        status: phaseRun.status,
        startedAt: phaseRun.startedAt,
        finishedAt: phaseRun.finishedAt,
        durationMs: phaseRun.startedAt && phaseRun.finishedAt ? phaseRun.finishedAt.getTime() - phaseRun.startedAt.getTime() : null,
        error: phaseRun.error,
        nodes: [...byNode.values()].sort((a, b) => a.node.localeCompare(b.node)),
        epicKey,
        epicUrl: this.links.issue(epicKey),
        pageUrl: deployment.dryRun ? undefined : this.links.page(pages.get(`phase:${phaseRun.phaseKey}`)),
      };
    });
    const steps = phases.flatMap((phase) => phase.nodes);
    const total = steps.reduce((n, node) => n + node.total, 0);
    const done = steps.reduce((n, node) => n + node.done, 0);
    return {
      deployment: { ...deployment, durationMs: duration(deployment) },
      phases,
      progress: { done, total, percent: total === 0 ? 0 : Math.floor((done / total) * 100) },
      finished: !!deployment.finishedAt,
    };
  }
}

function duration(deployment: { startedAt: Date | null; finishedAt: Date | null }): number | null {
  if (!deployment.startedAt) return null;
  return (deployment.finishedAt ?? new Date()).getTime() - deployment.startedAt.getTime();
}
