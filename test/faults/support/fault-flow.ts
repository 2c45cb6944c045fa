import type { AtlassianSandbox } from '../../../lab/atlassian/server.js';
import type { Lab } from '../../../lab/nodes/lab.js';
import type { PrismaService } from '../../../src/persistence/prisma.service.js';
import { CONTROLLER, readLabFile } from '../../engine/support/engine-fixtures.js';

/** What a user checks after a fault: the ledger, how often each step reached the host, JIRA and Confluence. */
export interface AfterFault {
  deployment: { status: string; error: string | null };
  /** `[stepKey, status, attempt]` in runbook order. */
  steps: [string, string, number][];
  /** Lines the steps appended on the controller, in order: each step once means nothing ran twice. */
  hostLog: string[];
  /** Status of every JIRA issue of the environment, by summary. */
  jira: Record<string, string>;
  /** Titles of the Confluence pages of the environment. */
  confluence: string[];
}

export async function afterFault(
  db: PrismaService,
  deploymentId: string,
  lab: Lab,
  log: string,
  sandbox: AtlassianSandbox,
  environment: string,
): Promise<AfterFault> {
  const deployment = await db.deployment.findUniqueOrThrow({ where: { id: deploymentId } });
  const rows = await db.stepRun.findMany({ where: { deploymentId }, orderBy: [{ phaseRun: { position: 'asc' } }, { position: 'asc' }] });
  const issues = [...sandbox.jira.state.issues.values()].filter((issue) => issue.labels.includes(`env-${environment}`));
  return {
    deployment: { status: deployment.status, error: deployment.error },
    steps: rows.map((row) => [row.stepKey, row.status, row.attempt]),
    hostLog: (await readLabFile(lab, CONTROLLER, log)).trim().split('\n').filter(Boolean),
    jira: Object.fromEntries(issues.map((issue) => [issue.summary, issue.status])),
    confluence: sandbox.confluence
      .pages()
      .map((page) => page.title)
      .filter((title) => title.startsWith(`${environment} — `))
      .sort(),
  };
}
