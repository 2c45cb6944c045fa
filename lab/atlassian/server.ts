import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createConfluenceSandbox, type ConfluenceSandbox, type FaultRule } from './confluence/index.js';
import { DEFAULT_USERS, readBody, sendError, type SandboxUser } from './http.js';
import { createJiraSandbox, type JiraSandbox } from './jira/jira-sandbox.js';
import type { FaultOptions } from './jira/faults.js';
import type { FieldDetails } from './jira/fields.js';
import type { Workflow } from './jira/workflow.js';

export interface AtlassianSandboxOptions {
  port?: number;
  /** One user list for both products (Confluence takes the e-mail + API token). */
  users?: SandboxUser[];
  faults?: { jira?: FaultOptions; confluence?: FaultRule[] };
  /** Cloud (default) or Server (Data Center); a workflow other than the Scrum one with Blocked and Ready to Deploy. */
  jira?: { deploymentType?: 'Cloud' | 'Server'; workflow?: Workflow; customFields?: FieldDetails[] };
  confluence?: { spaces?: string[] };
}

export interface AtlassianSandbox {
  baseUrl: string;
  jiraBaseUrl: string;
  confluenceBaseUrl: string;
  jira: JiraSandbox;
  confluence: ConfluenceSandbox;
  stop(): Promise<void>;
}

/**
 * One HTTP server playing Atlassian Cloud: JIRA at the root (/rest/...), Confluence under /wiki.
 * Lab only: wired by the demo and the tests, never by the application.
 */
export async function startAtlassianSandbox(options: AtlassianSandboxOptions = {}): Promise<AtlassianSandbox> {
  let baseUrl = '';
  const jira = createJiraSandbox({
    baseUrl: () => baseUrl,
    users: options.users ?? DEFAULT_USERS,
    faults: options.faults?.jira,
    deploymentType: options.jira?.deploymentType,
    workflow: options.jira?.workflow,
    customFields: options.jira?.customFields,
  });
  const users = options.users ?? DEFAULT_USERS;
  const confluence = createConfluenceSandbox({
    users: users.map((u) => ({ username: u.email, password: u.apiToken, accountId: u.accountId, displayName: u.displayName })),
    spaces: options.confluence?.spaces,
    faults: options.faults?.confluence,
  });
  const handlers = [jira.handle, confluence.handle];

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const url = new URL(req.url ?? '/', baseUrl);
      const body = await readBody(req);
      for (const handle of handlers) if (await handle(req, res, url, body)) return;
      sendError(res, 404, [`No resource at ${url.pathname}`]);
    })().catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 500, [`Sandbox failure: ${(error as Error).message}`]);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    baseUrl,
    jiraBaseUrl: baseUrl,
    confluenceBaseUrl: `${baseUrl}/wiki`,
    jira,
    confluence,
    async stop() {
      await jira.webhooks.settled();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
