import { startAtlassianSandbox, type AtlassianSandbox } from '../../../lab/atlassian/server.js';
import { ConfluenceGateway } from '../../../src/integrations/confluence/confluence.gateway.js';
import { JiraGateway } from '../../../src/integrations/jira/jira.gateway.js';
import { atlassianEnv } from '../flow-support.js';
import { eventually, startTestApp } from '../../support/test-app.js';

describe('graceful-stop', () => {
  let sandbox: AtlassianSandbox;
  beforeAll(async () => {
    sandbox = await startAtlassianSandbox();
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  /**
   * JIRA and Confluence both say "retry in 110 s" (429, the most the gateways wait for). A stop
   * does not sit out that wait: calls waiting to retry give up at once with the answer they had
   * (their jobs are retried by the next worker), so the service stops within this test's timeout.
   */
  it('does not wait out a JIRA or Confluence Retry-After: the calls waiting end with the last answer', async () => {
    const t = await startTestApp({ env: { ...atlassianEnv(sandbox), JIRA_POLL_INTERVAL_SECONDS: '3600' } });
    let closed = false;
    try {
      sandbox.jira.faults.rateLimit(1000, 110);
      sandbox.confluence.faults.rateLimit(1000, 110);
      const answered = sandbox.jira.faults.injected;
      const jiraCall = t.app
        .get(JiraGateway)
        .findIssue('OPS-1')
        .catch((error: unknown) => error);
      const confluenceCall = t.app
        .get(ConfluenceGateway)
        .findPageByTitle('OPS', 'Runbook')
        .catch((error: unknown) => error);
      // Both have had their 429 and are waiting to try again.
      await eventually(async () => (sandbox.jira.faults.injected > answered && sandbox.confluence.faults.pending() < 1000) || undefined);
      await t.close();
      closed = true;
      expect(await jiraCall).toMatchObject({ status: 429 });
      expect(await confluenceCall).toMatchObject({ status: 429 });
    } finally {
      sandbox.jira.faults.clear();
      sandbox.confluence.faults.clear();
      if (!closed) await t.close();
    }
  }, 60_000);
});
