/**
 * The deployment detail's JIRA/Confluence state per phase: one phase's page that Confluence refuses
 * shows that phase failing (with the reason) and leaves the others in sync; once Confluence takes
 * the page again, the later success clears the older failure. The same holds for JIRA.
 */
import { jest } from '@jest/globals';
import { DeploymentsService } from '../../src/deployments/deployments.service.js';
import type { DeploymentEvent } from '../../src/infra/events/deployment-events.js';
import { JobQueue } from '../../src/infra/queue/job-queue.js';
import { JiraFinalErrors } from '../../src/integrations/jira/jira-final-errors.js';
import { JiraHttpError } from '../../src/integrations/jira/jira-http-error.js';
import { phasePageTitle } from '../../src/integrations/confluence/pages/page-titles.js';
import { openstackLiberty } from '../../src/runbooks/openstack-liberty/index.js';
import { type AtlassianSandbox, startAtlassianSandbox } from '../../lab/atlassian/server.js';
import { type Lab, startLab } from '../../lab/nodes/lab.js';
import { eventually, type TestApp } from '../support/test-app.js';
import { atlassianEnv, finished, settled, startFlowApp } from './flow-support.js';

jest.setTimeout(300_000);

const ADMIN_TOKEN = 'sync-state-admin-token-0123456789';

let lab: Lab;
let sandbox: AtlassianSandbox;
let t: TestApp;
let appUrl: string;

beforeAll(async () => {
  lab = await startLab({ computeNodes: 1 });
  sandbox = await startAtlassianSandbox();
  ({ t, url: appUrl } = await startFlowApp(lab, {
    ...atlassianEnv(sandbox),
    JIRA_POLL_INTERVAL_SECONDS: '3600',
    OPSPRINT_ADMIN_TOKEN: ADMIN_TOKEN,
  }));
});
afterAll(async () => {
  await t?.close();
  await sandbox?.stop();
  await lab?.stop();
});

interface PhaseView {
  phaseKey: string;
  jira: { state: string; reason?: string };
  confluence: { state: string; reason?: string; version?: number };
}
const phasesOf = async (deploymentId: string): Promise<Record<string, PhaseView>> => {
  const response = await fetch(`${appUrl}/api/v1/deployments/${deploymentId}`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
  const body = (await response.json()) as { phaseRuns: PhaseView[] };
  return Object.fromEntries(body.phaseRuns.map((phase) => [phase.phaseKey, phase]));
};
const deploy = async (phases: string[]) => {
  const created = await t.app.get(DeploymentsService).create({ environment: 'lab', phases, trigger: 'api', requester: 'sync-state' });
  return finished(t, created.id);
};
const phaseTitle = (key: string) => phasePageTitle('lab', openstackLiberty.phases.find((phase) => phase.key === key)!);

it('shows only the phase whose Confluence page failed as failing, and a later success clears it', async () => {
  const first = await deploy(['base']);
  expect(first.status).toBe('succeeded');
  await settled(t, first.id);
  const basePage = sandbox.confluence.pages().find((page) => page.title === phaseTitle('base'))!;

  // Confluence refuses every read of the base phase's page from now on; the other pages are untouched.
  sandbox.confluence.faults.add({
    method: 'GET',
    path: new RegExp(`^/wiki/rest/api/content/${basePage.id}$`),
    status: 400,
    times: 1_000_000,
  });
  const second = await deploy(['base', 'mariadb']);
  expect(second.status).toBe('succeeded');
  const failing = await eventually(
    async () => {
      const phases = await phasesOf(second.id);
      return phases.base?.confluence.state === 'failing' && phases.mariadb?.confluence.state === 'in_sync' ? phases : undefined;
    },
    120_000,
    250,
  );
  expect(failing.base!.confluence.reason).toMatch(/400/);
  expect(failing.mariadb!.confluence).toMatchObject({ state: 'in_sync', version: 1 });
  // JIRA went through for both phases: a Confluence failure says nothing about it.
  await eventually(async () => {
    const phases = await phasesOf(second.id);
    return phases.base?.jira.state === 'in_sync' && phases.mariadb?.jira.state === 'in_sync' ? true : undefined;
  }, 120_000);
  // Retries that fail the same way are recorded once, not once per attempt.
  const failures = await t.db.prisma.auditEvent.count({ where: { action: 'confluence.publish.failed', target: second.id } });
  expect(failures).toBeLessThanOrEqual(3);

  // Confluence takes the page again: the job's next retry publishes it, and the phase is in sync.
  sandbox.confluence.faults.clear();
  const cleared = await eventually(
    async () => {
      const phases = await phasesOf(second.id);
      return phases.base?.confluence.state === 'in_sync' ? phases : undefined;
    },
    120_000,
    250,
  );
  expect(cleared.base!.confluence.version).toBe(sandbox.confluence.store.page(basePage.id).versions.at(-1)!.number);
  expect(cleared.mariadb!.confluence.state).toBe('in_sync');
});

it('shows a JIRA failure for its phase only, and the phase’s later success wins over it', async () => {
  const deployment = await deploy(['base', 'mariadb']);
  await settled(t, deployment.id);
  // Only the events that move an issue become JIRA jobs (a passed story moves with its phase's end).
  const jobTypes = (await t.app.get(JobQueue).jobs('jira', ['completed']))
    .map((job) => job.data as { deploymentId?: string; type?: string })
    .filter((data) => data.deploymentId === deployment.id && data.type)
    .map((data) => data.type);
  expect([...new Set(jobTypes)].sort()).toEqual(['deployment.finished', 'deployment.started', 'phase.finished']);
  // JIRA refuses the mariadb phase's event for good (a 400 is not retried): recorded for that phase.
  await expect(
    t.app.get(JiraFinalErrors).guard(
      'jira:deployment-event',
      deployment.id,
      async () => {
        throw new JiraHttpError(400, {}, { errorMessages: ['Field "labels" is not on the screen'] }, 'PUT /rest/api/2/issue/OPS-8');
      },
      'mariadb',
    ),
  ).rejects.toThrow(/final, not retried/);
  const refused = await phasesOf(deployment.id);
  expect(refused.mariadb!.jira).toMatchObject({ state: 'failing', reason: expect.stringContaining('JIRA answered 400') });
  expect(refused.base!.jira.state).toBe('in_sync');

  // The phase's event goes through later (queued again, as a retry would): the older failure no longer counts.
  const queue = t.app.get(JobQueue);
  const finishedEvent = (await queue.jobs('jira', ['completed'])).find((job) => {
    const data = job.data as { deploymentId?: string; type?: string; phaseKey?: string };
    return data.deploymentId === deployment.id && data.type === 'phase.finished' && data.phaseKey === 'mariadb';
  })!;
  await queue.add('jira:deployment-event', finishedEvent.data as DeploymentEvent, { jobId: `${finishedEvent.id}-again` });
  const recovered = await eventually(async () => {
    const phases = await phasesOf(deployment.id);
    return phases.mariadb?.jira.state === 'in_sync' ? phases : undefined;
  }, 60_000);
  expect(recovered.base!.jira.state).toBe('in_sync');
});
