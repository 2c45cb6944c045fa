import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { JobQueue } from '../../src/infra/queue/job-queue.js';
import { createApp } from '../../src/app/create-app.js';
import { prepareRuntime } from '../../src/app/bootstrap.js';
import { freePort, canConnect } from '../../src/infra/local-services/local-services.js';
import { startAtlassianSandbox, type AtlassianSandbox } from '../../lab/atlassian/server.js';
import { DEFAULT_USERS } from '../../lab/atlassian/http.js';
import { startLab } from '../../lab/nodes/lab.js';
import { labInventory } from '../../lab/nodes/lab-inventory.js';
import { generateSecrets } from '../../src/runbooks/secrets.js';
import { type DemoRepositories, demoRepositories } from './repositories.js';
import { DemoApiClient, type DeploymentView } from './api-client.js';
import { printProgress, printSummary } from './report.js';

export interface DemoOptions {
  computes: number;
  keepRunning: boolean;
  port?: number;
  dryRun: boolean;
  /** Default: every phase. */
  phases?: string[];
}

/**
 * The main job on a fresh machine: lab nodes (real SSH in front of simulated CentOS 7),
 * the Atlassian sandbox unless JIRA_* / CONFLUENCE_* point at a real instance, the service
 * itself, then a deployment of the OpenStack Liberty runbook through its REST API.
 */
export async function runDemo(values: DemoOptions): Promise<number> {
  const computes = values.computes;

  const step = (text: string) => console.log(`\n== ${text}`);
  step(`Starting the lab: controller + ${computes} compute node(s), each a real SSH server on 127.0.0.1`);
  const lab = await startLab({ computeNodes: computes });
  for (const node of lab.nodes)
    console.log(
      `   ${node.name.padEnd(26)} ${node.roles.join(',').padEnd(10)} ssh root@127.0.0.1:${node.ssh.port}  ${node.ssh.hostKeyFingerprint}`,
    );

  const env: NodeJS.ProcessEnv = { ...process.env };
  env.QUEUE_PREFIX ??= 'opsprint-demo';
  // Progress is printed by the demo itself; the service's JSON logs would drown it.
  env.LOG_LEVEL ??= 'warn';
  env.OPSPRINT_ADMIN_TOKEN ??= `demo-${randomBytes(18).toString('hex')}`;
  let sandbox: AtlassianSandbox | undefined;
  const realJira = Boolean(env.JIRA_BASE_URL);
  const realConfluence = Boolean(env.CONFLUENCE_BASE_URL);
  if (!realJira || !realConfluence) {
    sandbox = await startAtlassianSandbox({});
    const user = DEFAULT_USERS[0];
    if (!realJira) {
      // The deployment runs inside a sprint of its own on the sandbox's board, started by its first deployment.
      env.JIRA_SPRINT_MODE ??= 'new';
      Object.assign(env, {
        JIRA_BASE_URL: sandbox.jiraBaseUrl,
        // No JIRA_FLAVOR: the service asks the sandbox (serverInfo says Cloud), as it would a real site.
        JIRA_EMAIL: user.email,
        JIRA_API_TOKEN: user.apiToken,
        JIRA_PROJECT_KEY: 'OPS',
        JIRA_BOARD_ID: '1',
        JIRA_WEBHOOK_SECRET: randomBytes(16).toString('hex'),
      });
    }
    if (!realConfluence) {
      Object.assign(env, {
        CONFLUENCE_BASE_URL: sandbox.confluenceBaseUrl,
        CONFLUENCE_USERNAME: user.email,
        CONFLUENCE_API_TOKEN: user.apiToken,
        CONFLUENCE_SPACE_KEY: 'OPS',
      });
    }
  }
  step(
    `Atlassian: JIRA ${realJira ? `${env.JIRA_BASE_URL} (yours)` : `sandbox ${env.JIRA_BASE_URL}`}, Confluence ${realConfluence ? `${env.CONFLUENCE_BASE_URL} (yours)` : `sandbox ${env.CONFLUENCE_BASE_URL}`}`,
  );

  const requestedPort = String(values.port ?? env.PORT ?? '3000');
  env.PORT = String((await canConnect('127.0.0.1', Number(requestedPort))) ? await freePort() : requestedPort);
  const prepared = await prepareRuntime({ serveHttp: true, env });
  const app = await createApp(prepared.runtime);
  await app.listen(prepared.runtime.config.app.PORT, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${prepared.runtime.config.app.PORT}`;
  step(`OpSprint at ${baseUrl} (PostgreSQL: ${prepared.database.source}, Redis: ${prepared.redis.source}); API docs ${baseUrl}/api/docs`);
  if (sandbox && !realJira) sandbox.jira.webhooks.register({ url: `${baseUrl}/webhooks/jira`, secret: env.JIRA_WEBHOOK_SECRET });

  const shutdown = async () => {
    await app.close();
    await prepared.stop();
    await sandbox?.stop();
    await lab.stop();
  };

  let exitCode = 1;
  try {
    const db = demoRepositories(app);
    const api = new DemoApiClient(baseUrl, env.OPSPRINT_ADMIN_TOKEN!);
    await cleanUpInterruptedDemo(db, api);
    // Updates queued for an earlier run's sandbox have nowhere to go: that sandbox is gone.
    if (sandbox) await app.get(JobQueue).obliterate(['jira', 'confluence']);

    step('Registering environment "lab" (inventory of the lab nodes, generated secrets, the lab SSH key)');
    const inventory = labInventory(lab);
    const nodes = lab.nodes.map((node) => ({ ...node }));
    // Fresh secrets every run: the lab is new, and values stored by an earlier run may be under another key.
    const secrets = { ...generateSecrets(), SSH_PRIVATE_KEY: lab.clientPrivateKey! };
    await api.upsertEnvironment({
      name: 'lab',
      description: 'OpSprint demo lab (simulated CentOS 7 nodes)',
      network: inventory.network,
      nodes,
      secrets,
    });

    const which = values.phases ? `phases ${values.phases.join(', ')}` : 'all phases';
    step(`Deploying ${which} of openstack-liberty${values.dryRun ? ' in check mode' : ''}`);
    const created = await api.createDeployment({ environment: 'lab', dryRun: values.dryRun, phases: values.phases });
    console.log(`   deployment ${created.id}`);
    const finished: DeploymentView = await api.waitForDeployment(created.id, (deployment) => printProgress(deployment));
    await waitForAtlassianQueues(app.get(JobQueue));
    // Read it again: the per-phase JIRA and Confluence states are those after the queues caught up.
    exitCode = await printSummary({ ...finished, ...(await api.getDeployment(created.id)) }, { api, db, sandbox, baseUrl });
    if (!values.dryRun) await reviewSprint(api, baseUrl, { closeIt: !realJira });
  } finally {
    if (values.keepRunning) {
      printStillRunning({
        baseUrl,
        sandbox,
        realJira,
        realConfluence,
        adminToken: process.env.OPSPRINT_ADMIN_TOKEN ? undefined : env.OPSPRINT_ADMIN_TOKEN,
      });
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
    }
    await shutdown();
  }
  return exitCode;
}

/**
 * Where to look while the demo keeps running: only routes that exist, and the token right here
 * (generated for this run) unless the operator brought their own.
 */
function printStillRunning(context: {
  baseUrl: string;
  sandbox?: AtlassianSandbox;
  realJira: boolean;
  realConfluence: boolean;
  adminToken?: string;
}): void {
  const { baseUrl, sandbox } = context;
  const token = context.adminToken ?? '$OPSPRINT_ADMIN_TOKEN';
  const lines = [
    '',
    'Still running (Ctrl-C stops the service, the lab and the sandbox):',
    `   deployments   ${baseUrl}/api/v1/deployments   (header Authorization: Bearer <admin token>)`,
    `   dashboard     ${baseUrl}/dashboard   (sign in with the admin token)`,
    `   API docs      ${baseUrl}/api/docs`,
    `   health        ${baseUrl}/health`,
    `   admin token   ${context.adminToken ?? 'the OPSPRINT_ADMIN_TOKEN you set'}`,
    `   CLI           npx opsprint login --url ${baseUrl} --token ${token} && npx opsprint deployments`,
  ];
  if (sandbox && !context.realJira) lines.push(`   JIRA issues   ${sandbox.jiraBaseUrl}/browse/   (read-only view, no login)`);
  if (sandbox && !context.realConfluence) lines.push(`   Confluence    ${sandbox.confluenceBaseUrl}/view/   (read-only view, no login)`);
  if (sandbox) {
    const user = DEFAULT_USERS[0];
    lines.push(`   sandbox REST  user ${user.email}, API token ${user.apiToken} (Basic auth)`);
  }
  console.log(lines.join('\n'));
}

/**
 * The sprint the deployment ran in: on the sandbox it is closed, which publishes its review to
 * Confluence and closes the JIRA sprint; on your own JIRA the review is only published (your
 * sprint is yours to close). A review that cannot be published is said, not fatal.
 */
async function reviewSprint(api: DemoApiClient, baseUrl: string, options: { closeIt: boolean }): Promise<void> {
  const sprint = (await api.listSprints()).find((candidate) => candidate.state === 'active' && candidate.environment === 'lab');
  if (!sprint) {
    console.log('\nSprint review: no active sprint for "lab" (set JIRA_SPRINT_MODE=new, or create one with POST /api/v1/sprints)');
    return;
  }
  try {
    let page: string | null;
    if (options.closeIt) page = (await api.closeSprint(sprint.id)).reviewPageUrl;
    else page = (await api.publishReview(sprint.id)).url;
    console.log(`\nSprint review of "${sprint.name}"${options.closeIt ? ' (sprint closed)' : ''}:`);
    console.log(`   review        ${page ? `${page}   (Confluence)` : 'not published (Confluence is off)'}`);
  } catch (error) {
    console.log(`\nSprint review of "${sprint.name}" not published: ${(error as Error).message}`);
  }
  console.log(`   sprint        ${baseUrl}/dashboard/sprints/${sprint.id}   (dashboard; sign in with an API token)`);
}

/** JIRA and Confluence follow the deployment on their own queues; let them catch up before the summary. */
async function waitForAtlassianQueues(queue: JobQueue, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  for (;;) {
    const pending = await queue.pending(['jira', 'confluence']);
    if (pending === 0) return;
    if (!announced) console.log(`   waiting for JIRA and Confluence to catch up (${pending} updates queued)`);
    announced = true;
    if (Date.now() > deadline) {
      console.log(
        `   ${pending} JIRA/Confluence updates still queued after ${timeoutMs / 1000} s; they will be applied when the service runs again`,
      );
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** A demo killed midway leaves its deployment active; the next demo run closes it before starting. */
async function cleanUpInterruptedDemo(db: DemoRepositories, api: DemoApiClient): Promise<void> {
  const stale = (await db.deployments.list({ environment: 'lab', limit: 500 })).filter((deployment) => !deployment.finishedAt);
  for (const deployment of stale) {
    console.log(`   closing deployment ${deployment.id} left ${deployment.status} by an interrupted earlier demo run`);
    await api.cancelDeployment(deployment.id).catch(() => undefined);
    await db.deployments.forceClose(deployment.id, 'interrupted demo run');
  }
}
