import { confluenceSite } from '../../src/config/confluence-config.js';
import { jiraSite } from '../../src/config/jira-config.js';
import type { DemoRepositories } from './repositories.js';
import type { AtlassianSandbox } from '../../lab/atlassian/server.js';
import type { DemoApiClient, DeploymentView, PhaseView } from './api-client.js';

const seen = new Map<string, string>();

function counts(phase: PhaseView): string {
  const byStatus = new Map<string, number>();
  for (const step of phase.steps) byStatus.set(step.status, (byStatus.get(step.status) ?? 0) + 1);
  return [...byStatus.entries()].map(([status, n]) => `${n} ${status}`).join(', ');
}

function seconds(phase: PhaseView): string {
  if (!phase.startedAt || !phase.finishedAt) return '';
  return `${((Date.parse(phase.finishedAt) - Date.parse(phase.startedAt)) / 1000).toFixed(1)} s`;
}

/** One line whenever a phase changes state, so a long deployment shows where it is. */
export function printProgress(deployment: DeploymentView): void {
  for (const phase of deployment.phaseRuns) {
    const key = `${deployment.id}/${phase.phaseKey}`;
    if (seen.get(key) === phase.status) continue;
    seen.set(key, phase.status);
    const nodes = [...new Set(phase.steps.map((s) => s.node.split('.')[0]))].join(', ');
    if (phase.status === 'running') console.log(`   ▶ ${phase.phaseKey.padEnd(20)} running on ${nodes}`);
    else if (phase.status !== 'pending') {
      const mark = phase.status === 'succeeded' ? '✓' : phase.status === 'failed' ? '✗' : '–';
      console.log(`   ${mark} ${phase.phaseKey.padEnd(20)} ${phase.status.padEnd(10)} ${seconds(phase).padStart(7)}  (${counts(phase)})`);
    }
  }
}

/** Verification tables, JIRA keys, the Confluence root; returns the process exit code. */
export async function printSummary(
  deployment: DeploymentView,
  context: { api: DemoApiClient; db: DemoRepositories; sandbox?: AtlassianSandbox; baseUrl: string },
): Promise<number> {
  const { api, db } = context;
  const environment = await db.environments.findByName(deployment.environment);
  // Only what the configured sites hold: a key remembered for another site or project would not open.
  const jira = db.config.jira;
  const confluence = db.config.confluence;
  const links =
    environment && jira
      ? (await db.jiraLinks.list(environment.id, deployment.runbookKey, jiraSite(jira))).filter((l) => l.entityType === 'epic')
      : [];
  const epicOf = new Map(links.map((l) => [l.entityKey, l.issueKey]));

  console.log('\n== Verification tables (parsed from the real command output on the nodes)');
  for (const phase of deployment.phaseRuns) {
    for (const step of phase.steps.filter((s) => s.kind === 'verify' && s.status !== 'pending')) {
      const output = await api.stepOutput(deployment.id, step.id);
      const table = output.artifacts.find((a) => a.kind === 'verification_table');
      console.log(`\n-- ${phase.phaseKey} · ${step.title} · ${step.node} · ${step.status}`);
      console.log((table?.content ?? output.stdout ?? '').trimEnd() || '   (no output)');
    }
  }

  console.log('\n== Phases');
  for (const phase of deployment.phaseRuns) {
    const jira = epicOf.get(phase.phaseKey) ?? '';
    console.log(
      `   ${phase.phaseKey.padEnd(20)} ${phase.status.padEnd(10)} ${seconds(phase).padStart(7)}  ${jira.padEnd(8)} (${counts(phase)})`,
    );
  }
  const root = environment && confluence ? await db.pages.find(environment.id, 'root', confluenceSite(confluence)) : null;
  if (root) {
    const base = process.env.CONFLUENCE_BASE_URL ?? context.sandbox?.confluenceBaseUrl ?? '';
    console.log(`\nConfluence runbook: ${base}/pages/viewpage.action?pageId=${root.pageId}`);
  }
  console.log(`${root ? '' : '\n'}Dashboard: ${context.baseUrl}/dashboard/deployments/${deployment.id} (sign in with an API token)`);
  const jiraBase = process.env.JIRA_BASE_URL ?? context.sandbox?.jiraBaseUrl;
  const firstEpic = [...epicOf.values()][0];
  if (jiraBase && firstEpic) console.log(`JIRA epics: ${jiraBase.replace(/\/+$/, '')}/browse/${firstEpic} … (one per phase, keys above)`);

  if (deployment.status === 'succeeded') {
    console.log(`\nDeployment ${deployment.id} succeeded${deployment.dryRun ? ' (check mode: nothing was changed)' : ''}.`);
    return 0;
  }
  console.log(`\nDeployment ${deployment.id} ${deployment.status}: ${deployment.error ?? ''}`);
  for (const phase of deployment.phaseRuns) {
    for (const step of phase.steps.filter((s) => s.status === 'failed')) {
      const output = await api.stepOutput(deployment.id, step.id);
      console.log(`\n✗ ${phase.phaseKey} · ${step.title} on ${step.node}, exit code ${output.exitCode}`);
      console.log(`$ ${output.command ?? ''}`);
      console.log(`${output.stdout ?? ''}${output.stderr ?? ''}`.trimEnd().split('\n').slice(-20).join('\n'));
    }
  }
  return 1;
}
