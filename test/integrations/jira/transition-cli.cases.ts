import { startAtlassianSandbox, type AtlassianSandbox } from '../../../lab/atlassian/server.js';
import { runTransitionCli } from '../../../lab/atlassian/jira/transition-cli.js';
import { sandboxGateway } from './jira-fixtures.js';

describe('transition-cli', () => {
  describe('transition CLI', () => {
    let sandbox: AtlassianSandbox;
    beforeAll(async () => {
      sandbox = await startAtlassianSandbox();
    });
    afterAll(() => sandbox.stop());

    it('moves an issue to a status by name, as a person on the board would, and JIRA posts the webhook', async () => {
      const received: unknown[] = [];
      const { createServer } = await import('node:http');
      const hook = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req
          .on('data', (c: Buffer) => chunks.push(c))
          .on('end', () => {
            received.push({ signature: req.headers['x-hub-signature'], body: JSON.parse(Buffer.concat(chunks).toString()) });
            res.writeHead(202).end();
          });
      });
      await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
      try {
        const port = (hook.address() as { port: number }).port;
        await fetch(`${sandbox.baseUrl}/_sandbox/jira/webhooks`, {
          method: 'POST',
          body: JSON.stringify({ url: `http://127.0.0.1:${port}/`, secret: 's3' }),
        });
        const { key } = await sandboxGateway(sandbox).createIssue({
          project: { key: 'OPS' },
          summary: 'Glance',
          issuetype: { name: 'Epic' },
        });

        const line = await runTransitionCli(['--base-url', sandbox.jiraBaseUrl, '--issue', key, '--to', 'ready to deploy']);
        expect(line).toBe(`${key} → Ready to Deploy (transition "Ready to Deploy", id 51)`);
        expect(sandbox.jira.state.issues.get(key)!.status).toBe('Ready to Deploy');
        await sandbox.jira.webhooks.settled();
        expect(received).toEqual([
          {
            signature: expect.stringMatching(/^sha256=/),
            body: expect.objectContaining({
              webhookEvent: 'jira:issue_updated',
              issue: expect.objectContaining({ key }),
              changelog: expect.objectContaining({
                items: [expect.objectContaining({ field: 'status', fromString: 'To Do', toString: 'Ready to Deploy' })],
              }),
            }),
          },
        ]);
        await expect(runTransitionCli(['--base-url', sandbox.jiraBaseUrl, '--issue', key, '--to', 'Ready to Deploy'])).rejects.toThrow(
          /cannot move to "Ready to Deploy".*offered: "To Do" → To Do/,
        );
        await expect(runTransitionCli(['--issue', key])).rejects.toThrow('--base-url is required');
      } finally {
        await new Promise((r) => hook.close(r));
      }
    });
  });
});
