/**
 * A signed JIRA delivery cannot be replayed (issue 9, item 3): the delivery id is not covered by
 * the signature, so the same body under a new id must still be a duplicate, and a body whose
 * signed timestamp is older than the window is refused with a clear answer.
 */
import 'reflect-metadata';
import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import { startAtlassianSandbox, type AtlassianSandbox } from '../../lab/atlassian/server.js';
import type { DeploymentRequest, DeploymentRequester } from '../../src/integrations/jira/deployment-requester.port.js';
import { JiraWebhookController } from '../../src/integrations/jira/jira-webhook.controller.js';
import type { JiraGateway } from '../../src/integrations/jira/jira.gateway.js';
import { signJiraPayload } from '../../src/integrations/jira/webhook-signature.js';
import { JiraWebhookService } from '../../src/integrations/jira/webhook.service.js';
import { FailureLimiter } from '../../src/infra/kv/failure-limiter.js';
import { testFailureLimiter } from '../support/failure-limiter.js';
import { WebhookDeliveryRepository } from '../../src/persistence/repositories/webhook-delivery.repository.js';
import { sandboxGateway } from '../integrations/jira/jira-fixtures.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

describe('webhook-replay', () => {
  class RecordingRequester implements DeploymentRequester {
    readonly requests: DeploymentRequest[] = [];
    async request(request: DeploymentRequest) {
      this.requests.push(request);
      return { deploymentId: `dep-${this.requests.length}` };
    }
    async existing() {
      return null;
    }
  }

  const secret = 'replay-webhook-secret';
  let db: TestDatabase;
  let sandbox: AtlassianSandbox;
  let app: INestApplication;
  let limits: ReturnType<typeof testFailureLimiter>;
  let endpoint: string;
  let gateway: JiraGateway;
  const requester = new RecordingRequester();

  beforeAll(async () => {
    db = await createTestDatabase();
    sandbox = await startAtlassianSandbox();
    gateway = sandboxGateway(sandbox);
    const config = { webhookSecret: secret, triggerStatus: 'Ready to Deploy', webhookMaxAgeSeconds: 300, webhookClaimTimeoutSeconds: 60 };
    limits = testFailureLimiter();
    const service = new JiraWebhookService(new WebhookDeliveryRepository(db.prisma), config, requester);
    @Module({
      controllers: [JiraWebhookController],
      providers: [
        { provide: JiraWebhookService, useValue: service },
        { provide: FailureLimiter, useValue: limits.limiter },
      ],
    })
    class WebhookTestModule {}
    app = await NestFactory.create(WebhookTestModule, { rawBody: true, logger: false });
    await app.listen(0, '127.0.0.1');
    endpoint = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}/webhooks/jira`;
    sandbox.jira.webhooks.register({ url: endpoint, secret });
  });
  afterAll(async () => {
    await limits?.close();
    await sandbox?.stop();
    await app?.close();
    await db?.drop();
  });

  const post = (body: Buffer, identifier: string) =>
    fetch(endpoint, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Hub-Signature': signJiraPayload(body, secret),
        'X-Atlassian-Webhook-Identifier': identifier,
      },
      body,
    });

  async function readyEpic(phase: string): Promise<string> {
    const { key } = await gateway.createIssue({
      project: { key: 'OPS' },
      summary: `Phase ${phase}`,
      issuetype: { name: 'Epic' },
      labels: ['opsprint', 'env-lab', `phase-${phase}`],
    });
    const transition = (await gateway.listTransitions(key)).find((t) => t.to.name === 'Ready to Deploy')!;
    await gateway.transitionIssue(key, transition.id);
    await sandbox.jira.webhooks.settled();
    return key;
  }

  describe('a replayed JIRA webhook', () => {
    it('is a duplicate when the same signed body comes again under a new delivery id: no second deployment', async () => {
      const key = await readyEpic('keystone');
      const delivery = sandbox.jira.webhooks.deliveries.at(-1)!;
      expect(requester.requests).toEqual([expect.objectContaining({ issueKey: key, phases: ['keystone'] })]);

      const replay = await post(delivery.body, 'attacker-chosen-id-1');
      expect(replay.status).toBe(202);
      expect(await replay.json()).toEqual({ outcome: 'duplicate' });
      expect(requester.requests).toHaveLength(1);
    });

    it('is refused with a clear answer when its signed timestamp is older than the window', async () => {
      requester.requests.length = 0;
      const key = await readyEpic('glance');
      requester.requests.length = 0;
      const delivery = sandbox.jira.webhooks.deliveries.at(-1)!;
      const old = JSON.parse(delivery.body.toString());
      // A fresh body (new changelog id, so not a duplicate) whose signed timestamp is 10 minutes old.
      const stale = Buffer.from(
        JSON.stringify({ ...old, timestamp: Date.now() - 10 * 60_000, changelog: { ...old.changelog, id: '999001' } }),
      );
      const answer = await post(stale, 'stale-1');
      expect(answer.status).toBe(400);
      expect(await answer.json()).toEqual({
        outcome: 'stale',
        reason: expect.stringMatching(
          /^timestamp is 6\d\d s old; deliveries older than 300 s are refused \(JIRA_WEBHOOK_MAX_AGE_SECONDS\)$/,
        ),
      });
      expect(requester.requests).toEqual([]);

      const future = Buffer.from(
        JSON.stringify({ ...old, timestamp: Date.now() + 60 * 60_000, changelog: { ...old.changelog, id: '999002' } }),
      );
      const ahead = await post(future, 'future-1');
      expect(ahead.status).toBe(400);
      expect(((await ahead.json()) as { reason: string }).reason).toMatch(/^timestamp is 3\d{3} s in the future/);

      const noTimestamp = Buffer.from(JSON.stringify({ ...old, timestamp: undefined, changelog: { ...old.changelog, id: '999003' } }));
      const missing = await post(noTimestamp, 'missing-1');
      expect(missing.status).toBe(400);
      expect(await missing.json()).toEqual({ outcome: 'malformed', reason: 'timestamp is missing or not a time in milliseconds' });

      // Within the window (a little clock skew either way) it is taken.
      const fresh = Buffer.from(JSON.stringify({ ...old, timestamp: Date.now() + 20_000, changelog: { ...old.changelog, id: '999004' } }));
      expect(((await (await post(fresh, 'fresh-1')).json()) as { outcome: string }).outcome).toBe('requested');
      expect(requester.requests).toEqual([expect.objectContaining({ issueKey: key })]);
    });
  });
});
