import type { DeploymentEvidence, DeploymentRepository } from '../../../persistence/repositories/deployment.repository.js';
import type { JiraLinkRepository, JiraSite } from '../../../persistence/repositories/jira-link.repository.js';
import type { Runbook } from '../../../runbooks/model.js';
import type {
  DeploymentSummary,
  ExpectationView,
  FileArtifactView,
  NodeSummary,
  PhasePageData,
  PhaseRow,
  PhaseStatus,
  RootPageData,
  StepStatus,
  TableArtifactView,
} from '../pages/page-data.js';
import { phasePageTitle, rootPageTitle } from '../pages/page-titles.js';

export interface LoadedDeployment {
  environmentId: string;
  environment: string;
  root: RootPageData;
  phases: PhasePageData[];
}

interface TableData {
  columns: string[];
  rows: Array<Record<string, string>>;
  expectations?: ExpectationView[];
}

function asTable(data: unknown): TableData | null {
  const candidate = data as Partial<TableData> | null;
  if (!candidate || !Array.isArray(candidate.columns) || !Array.isArray(candidate.rows)) return null;
  return {
    columns: candidate.columns.map(String),
    rows: candidate.rows.map((row) => Object.fromEntries(Object.entries(row ?? {}).map(([k, v]) => [k, String(v ?? '')]))),
    expectations: Array.isArray(candidate.expectations)
      ? candidate.expectations.map((outcome) => ({
          name: String(outcome?.name ?? ''),
          expected: String(outcome?.expected ?? ''),
          actual: String(outcome?.actual ?? ''),
          passed: outcome?.passed === true,
        }))
      : [],
  };
}

/** Turns one deployment's evidence (and the environment's latest run of every phase) into page data. */
export async function loadDeployment(
  deployments: DeploymentRepository,
  jiraLinks: JiraLinkRepository,
  deployment: DeploymentEvidence,
  runbook: Runbook,
  jiraBaseUrl?: string,
  /** Without one (JIRA off) the pages name no issue: a key from another site would not open. */
  jiraSite?: JiraSite,
): Promise<LoadedDeployment> {
  if (deployment.runbookKey !== runbook.key)
    throw new Error(`Deployment ${deployment.id} ran runbook "${deployment.runbookKey}", not "${runbook.key}"`);

  const environment = deployment.environment.name;
  const links = jiraSite ? await jiraLinks.list(deployment.environmentId, runbook.key, jiraSite) : [];
  const issueOf = (entityKey: string) => links.find((link) => link.entityKey === entityKey)?.issueKey;
  const nodes: NodeSummary[] = deployment.environment.nodes.map((node) => ({
    name: node.name,
    roles: [...node.roles],
    managementIp: node.managementIp,
  }));
  const summary: DeploymentSummary = {
    id: deployment.id,
    status: deployment.status,
    trigger: deployment.trigger,
    requester: deployment.requester,
    dryRun: deployment.dryRun,
    phases: deployment.phases,
    runbookVersion: deployment.runbookVersion,
    createdAt: deployment.createdAt,
    startedAt: deployment.startedAt,
    finishedAt: deployment.finishedAt,
  };

  // The root shows every phase's latest run in this environment, not only this deployment's.
  const history = await deployments.phaseHistory(deployment.environmentId, runbook.key);
  const latestRun = (phaseKey: string) =>
    history.find((run) => run.deploymentId === deployment.id && run.phaseKey === phaseKey) ??
    history.find((run) => run.phaseKey === phaseKey);

  const rows: PhaseRow[] = runbook.phases.map((phase) => {
    const run = latestRun(phase.key);
    return {
      key: phase.key,
      title: phase.title,
      status: (run?.status ?? 'not_run') as PhaseStatus,
      epicKey: issueOf(phase.key),
      pageTitle: run ? phasePageTitle(environment, phase) : undefined,
      startedAt: run?.startedAt,
      finishedAt: run?.finishedAt,
      nodes: run ? run.stepRuns.map((step) => step.node).sort() : [],
    };
  });

  const phases: PhasePageData[] = deployment.phaseRuns.flatMap((phaseRun) => {
    const phase = runbook.phases.find((candidate) => candidate.key === phaseRun.phaseKey);
    if (!phase) return [];
    const steps = deployment.stepRuns.filter((step) => step.phaseRunId === phaseRun.id);
    const artifacts = deployment.artifacts.filter((artifact) => artifact.phaseKey === phase.key);
    const ranOn = new Set(steps.map((step) => step.node));
    const files: FileArtifactView[] = artifacts
      .filter((artifact) => artifact.kind === 'rendered_file')
      .map((artifact) => ({
        storyKey: artifact.stepRun?.storyKey,
        stepKey: artifact.stepRun?.stepKey,
        node: artifact.node,
        path: artifact.name,
        language: artifact.language,
        content: artifact.content,
      }));
    const tables: TableArtifactView[] = artifacts
      .filter((artifact) => artifact.kind === 'verification_table')
      .flatMap((artifact) => {
        const table = asTable(artifact.data);
        return table
          ? [
              {
                storyKey: artifact.stepRun?.storyKey,
                stepKey: artifact.stepRun?.stepKey,
                node: artifact.node,
                name: artifact.name,
                ...table,
              },
            ]
          : [];
      });
    return [
      {
        environment,
        phase,
        status: phaseRun.status as PhaseStatus,
        rootTitle: rootPageTitle(environment),
        deployment: summary,
        startedAt: phaseRun.startedAt,
        finishedAt: phaseRun.finishedAt,
        error: phaseRun.error,
        epicKey: issueOf(phase.key),
        storyIssueKeys: Object.fromEntries(
          phase.stories.flatMap((story) => {
            // The JIRA sync keys stories as "<phase>/<story>" (src/integrations/jira/jira-labels.ts).
            const key = issueOf(`${phase.key}/${story.key}`) ?? issueOf(story.key);
            return key ? [[story.key, key]] : [];
          }),
        ),
        jiraBaseUrl,
        nodes: nodes.filter((node) => ranOn.has(node.name)),
        steps: steps.map((step) => ({ ...step, status: step.status as StepStatus })),
        files,
        tables,
      },
    ];
  });

  return {
    environmentId: deployment.environmentId,
    environment,
    root: { environment, runbookTitle: runbook.title, nodes, phases: rows, lastDeployment: summary, jiraBaseUrl },
    phases,
  };
}
