import type { AddressInfo } from 'node:net';
import { DeploymentsService } from '../../src/deployments/deployments.service.js';
import { EnvironmentsService } from '../../src/environments/environments.service.js';
import { DEFAULT_USERS } from '../../lab/atlassian/http.js';
import type { AtlassianSandbox } from '../../lab/atlassian/server.js';
import type { StoredIssue } from '../../lab/atlassian/jira/jira-state.js';
import type { Lab } from '../../lab/nodes/lab.js';
import { labInventory } from '../../lab/nodes/lab-inventory.js';
import { JobQueue } from '../../src/infra/queue/job-queue.js';
import { eventually, startTestApp, type TestApp } from '../support/test-app.js';

export const WEBHOOK_SECRET = 'flow-webhook-secret';

/** JIRA_* and CONFLUENCE_* pointing at the sandbox, as an operator would set them. */
export function atlassianEnv(sandbox: AtlassianSandbox): Record<string, string> {
  const user = DEFAULT_USERS[0];
  return {
    JIRA_BASE_URL: sandbox.jiraBaseUrl,
    JIRA_EMAIL: user.email,
    JIRA_API_TOKEN: user.apiToken,
    JIRA_PROJECT_KEY: 'OPS',
    JIRA_FLAVOR: 'cloud',
    JIRA_BOARD_ID: '1',
    JIRA_WEBHOOK_SECRET: WEBHOOK_SECRET,
    CONFLUENCE_BASE_URL: sandbox.confluenceBaseUrl,
    CONFLUENCE_USERNAME: user.email,
    CONFLUENCE_API_TOKEN: user.apiToken,
    CONFLUENCE_SPACE_KEY: 'OPS',
  };
}

/** The app listening on a real port (JIRA's webhooks need one), with the lab environment "lab" created. */
/** `secrets`: the runbook secrets of an earlier app's environment, so a second app can deploy onto the same, already deployed lab. */
export async function startFlowApp(
  lab: Lab,
  env: Record<string, string>,
  secrets: Record<string, string> = {},
): Promise<{ t: TestApp; url: string }> {
  const t = await startTestApp({ env: { OPSPRINT_ADMIN_TOKEN: FLOW_ADMIN_TOKEN, ...env } });
  await t.app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  const inventory = labInventory(lab);
  await t.app.get(EnvironmentsService).create({
    name: 'lab',
    network: inventory.network,
    nodes: inventory.nodes,
    secrets: { ...secrets, SSH_PRIVATE_KEY: lab.clientPrivateKey! },
  });
  return { t, url };
}

export async function deploy(t: TestApp, phases?: string[]) {
  const created = await t.app
    .get(DeploymentsService)
    .create({ environment: 'lab', trigger: 'api', requester: 'flow-test', ...(phases ? { phases } : {}) });
  return finished(t, created.id);
}

export function finished(t: TestApp, id: string) {
  return eventually(
    async () => {
      const d = await t.db.prisma.deployment.findUnique({ where: { id } });
      return d?.finishedAt ? d : undefined;
    },
    240_000,
    250,
  );
}

/**
 * Waits until the JIRA and Confluence queues have nothing left to do for a finished deployment:
 * its final publish is recorded and no job waits, runs or is delayed (checked three times in a row).
 */
export async function settled(t: TestApp, deploymentId: string, timeoutMs = 120_000): Promise<Record<string, Record<string, number>>> {
  const deployment = await finished(t, deploymentId);
  await eventually(
    async () =>
      (await t.db.prisma.auditEvent.findFirst({
        where: {
          action: { in: ['confluence.published', 'confluence.skipped'] },
          target: deploymentId,
          at: { gte: deployment.finishedAt! },
        },
      })) ?? undefined,
    timeoutMs,
    200,
  ).catch(() => undefined); // without Confluence nothing is published: the queue check below still applies
  let quiet = 0;
  return eventually(
    async () => {
      const queue = t.app.get(JobQueue);
      const busy = (await queue.pending(['jira', 'confluence'])) > 0;
      quiet = busy ? 0 : quiet + 1;
      return quiet >= 3 ? queue.counts() : undefined;
    },
    timeoutMs,
    200,
  );
}

export const labIssues = (sandbox: AtlassianSandbox): StoredIssue[] =>
  [...sandbox.jira.state.issues.values()].filter((i) => i.labels.includes('opsprint') && i.labels.includes('env-lab'));

/** The admin token of every flow app (unless the test sets its own): /health shows details only to a token holder. */
export const FLOW_ADMIN_TOKEN = 'flow-admin-token-0123456789abcdef';

export async function getJson(url: string): Promise<{ status: number; body: any }> {
  const response = await fetch(url, { headers: { Authorization: `Bearer ${FLOW_ADMIN_TOKEN}` } });
  return { status: response.status, body: await response.json() };
}
