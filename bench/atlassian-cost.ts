/**
 * Figure group 5: JIRA and Confluence requests of a full lab deployment, counted by the Atlassian
 * sandbox, and of a second deployment of the same, unchanged environment right after it.
 */
import type { Report } from './report.js';
import type { Budget } from './budget.js';
import { startLabService } from './lab-service.js';

interface Counted {
  method: string;
  path: string;
}

function tally(jira: Counted[], confluence: Counted[]) {
  return {
    jira: jira.length,
    confluence: confluence.length,
    issuesCreated: jira.filter((r) => r.method === 'POST' && /\/rest\/api\/\d+\/issue\/?$/.test(r.path)).length,
    issuesBulkCreated: jira.filter((r) => r.method === 'POST' && /\/issue\/bulk\/?$/.test(r.path)).length,
    pagesCreated: confluence.filter((r) => r.method === 'POST' && /\/content\/?$/.test(r.path)).length,
    pagesUpdated: confluence.filter((r) => r.method === 'PUT' && /\/content\/[^/]+\/?$/.test(r.path)).length,
  };
}

export async function atlassianFigures(report: Report, budget: Budget): Promise<void> {
  const service = await startLabService({ computes: 1, atlassian: true, separateWorker: false });
  try {
    const sandbox = service.sandbox!;
    const runs = [];
    for (const which of ['first', 'second (unchanged)']) {
      const jiraFrom = sandbox.jira.requests.length;
      const confluenceFrom = sandbox.confluence.requests.length;
      budget.allow(10_000, `5 Atlassian, ${which} full lab deployment`);
      const { phaseRuns } = await service.deploy(undefined, budget.left());
      await service.atlassianSettled(budget.left());
      const counts = tally(sandbox.jira.requests.slice(jiraFrom), sandbox.confluence.requests.slice(confluenceFrom));
      runs.push(counts);
      const phases = phaseRuns.length;
      const prefix = `5 Atlassian, ${which} full lab deployment`;
      report.add({
        name: `${prefix}: JIRA requests`,
        value: counts.jira,
        unit: 'requests',
        note: `${(counts.jira / phases).toFixed(1)} per phase, ${phases} phases`,
      });
      report.add({
        name: `${prefix}: Confluence requests`,
        value: counts.confluence,
        unit: 'requests',
        note: `${(counts.confluence / phases).toFixed(1)} per phase`,
      });
      report.add({ name: `${prefix}: JIRA issues created`, value: counts.issuesCreated + counts.issuesBulkCreated, unit: 'issues' });
      report.add({ name: `${prefix}: Confluence pages created`, value: counts.pagesCreated, unit: 'pages' });
      report.add(
        { name: `${prefix}: Confluence page updates`, value: counts.pagesUpdated, unit: 'updates' },
        which === 'first' ? undefined : { of: 'value', op: '<=', bound: 0 },
      );
    }
    const second = runs[1];
    report.add(
      {
        name: '5 Atlassian, second deployment: duplicate JIRA issues created',
        value: second.issuesCreated + second.issuesBulkCreated,
        unit: 'issues',
      },
      { of: 'value', op: '<=', bound: 0 },
    );
  } finally {
    await service.stop();
  }
}
