import 'reflect-metadata';
import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { startAtlassianSandbox, type AtlassianSandbox } from '../../../lab/atlassian/server.js';
import { JiraWebhookController } from '../../../src/integrations/jira/jira-webhook.controller.js';
import { JiraWebhookService } from '../../../src/integrations/jira/webhook.service.js';
import { FailureLimiter } from '../../../src/infra/kv/failure-limiter.js';
import { testFailureLimiter } from '../../support/failure-limiter.js';
import { JiraPollService } from '../../../src/integrations/jira/jira-poll.service.js';
import { signJiraPayload } from '../../../src/integrations/jira/webhook-signature.js';
import type { DeploymentRequest, DeploymentRequester } from '../../../src/integrations/jira/deployment-requester.port.js';
import type { JiraGateway } from '../../../src/integrations/jira/jira.gateway.js';
import { WebhookDeliveryRepository } from '../../../src/persistence/repositories/webhook-delivery.repository.js';
import { withClockOff } from '../../support/clock.js';
import { sandboxGateway } from './jira-fixtures.js';

describe('webhook', () => {
  /** The port the deployments module implements, recording what JIRA asked for. */
  class RecordingRequester implements DeploymentRequester {
    readonly requests: DeploymentRequest[] = [];
    async request(request: DeploymentRequest) {
      this.requests.push(request);
      return { deploymentId: `dep-${this.requests.length}` };
    }
    async existing(request: DeploymentRequest) {
      const at = this.requests.findIndex(
        (r) => r.issueKey === request.issueKey && r.transitionedAt.getTime() === request.transitionedAt.getTime(),
      );
      return at < 0 ? null : { deploymentId: `dep-${at + 1}` };
    }
  }

  describe('JIRA webhooks: sandbox → POST /webhooks/jira → DeploymentRequester', () => {
    const secret = 'webhook-secret-for-tests';
    const config = { webhookSecret: secret, triggerStatus: 'Ready to Deploy', webhookMaxAgeSeconds: 300, webhookClaimTimeoutSeconds: 60 };
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
      await sandbox.stop();
      await app.close();
      await db.drop();
    });
    beforeEach(() => {
      requester.requests.length = 0;
    });

    async function epic(labels: string[], issuetype = 'Epic'): Promise<string> {
      return (
        await gateway.createIssue({ project: { key: 'OPS' }, summary: `Phase ${labels.join(' ')}`, issuetype: { name: issuetype }, labels })
      ).key;
    }
    async function moveTo(key: string, status: string): Promise<void> {
      const transition = (await gateway.listTransitions(key)).find((t) => t.to.name === status)!;
      await gateway.transitionIssue(key, transition.id);
      await sandbox.jira.webhooks.settled();
    }
    const rows = () => db.prisma.webhookDelivery.findMany({ orderBy: { receivedAt: 'asc' } });

    it('requests exactly one deployment of the phase for a signed transition delivered three times', async () => {
      const key = await epic(['opsprint', 'env-lab', 'phase-keystone']);
      const before = (await rows()).length;
      const movedFrom = new Date();
      await moveTo(key, 'Ready to Deploy');
      const movedBy = new Date();
      const delivery = sandbox.jira.webhooks.deliveries.at(-1)!;
      expect(delivery.outcome).toBe(202);
      expect(delivery.headers['X-Hub-Signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
      await sandbox.jira.webhooks.redeliver(delivery);
      await sandbox.jira.webhooks.redeliver(delivery);
      expect(delivery.outcome).toBe(202);

      expect(requester.requests).toEqual([
        {
          environmentName: 'lab',
          phases: ['keystone'],
          trigger: 'jira_webhook',
          requester: 'jira:5b10ac8d82e05b22cc7d4ef5 (Olga Operator)',
          issueKey: key,
          transitionedAt: expect.any(Date),
        },
      ]);
      // The start of the lead time is when JIRA says the epic moved (the delivery's timestamp).
      const { transitionedAt } = requester.requests[0];
      expect(transitionedAt.getTime()).toBeGreaterThanOrEqual(movedFrom.getTime() - 1000);
      expect(transitionedAt.getTime()).toBeLessThanOrEqual(movedBy.getTime());
      const recorded = (await rows()).slice(before);
      expect(recorded).toHaveLength(1);
      expect(recorded[0]).toMatchObject({
        source: 'jira',
        deliveryKey: `jira:${delivery.identifier}`,
        outcome: 'requested',
        deploymentId: 'dep-1',
      });
    });

    it('handles again the retry of a delivery whose handler died before settling it, never requesting twice', async () => {
      const key = await epic(['opsprint', 'env-lab', 'phase-glance']);
      await moveTo(key, 'Ready to Deploy');
      const delivery = sandbox.jira.webhooks.deliveries.at(-1)!;
      const claim = () => db.prisma.webhookDelivery.findUniqueOrThrow({ where: { deliveryKey: `jira:${delivery.identifier}` } });
      expect(requester.requests).toHaveLength(1);
      // The state a kill -9 after creating the deployment leaves: claimed, never settled.
      const { id } = await claim();
      const unsettled = (receivedAt: Date) =>
        db.prisma.webhookDelivery.update({ where: { id }, data: { outcome: 'requesting', deploymentId: null, receivedAt } });

      // Fresh: its handler may still be at work, so JIRA is asked to come back (409), not told it is a duplicate.
      await unsettled(new Date());
      await sandbox.jira.webhooks.redeliver(delivery);
      expect(delivery.outcome).toBe(409);
      expect((await claim()).outcome).toBe('requesting');

      // Older than the claim timeout: the retry takes the claim over and finds the deployment already made.
      await unsettled(new Date(Date.now() - 61_000));
      await sandbox.jira.webhooks.redeliver(delivery);
      expect(delivery.outcome).toBe(202);
      expect(requester.requests).toHaveLength(1);
      expect(await claim()).toMatchObject({ outcome: 'requested', deploymentId: 'dep-1' });

      // Killed before the deployment was created: the retry requests it, once.
      requester.requests.length = 0;
      await unsettled(new Date(Date.now() - 61_000));
      await sandbox.jira.webhooks.redeliver(delivery);
      await sandbox.jira.webhooks.redeliver(delivery);
      expect(delivery.outcome).toBe(202);
      expect(requester.requests).toEqual([expect.objectContaining({ issueKey: key, phases: ['glance'] })]);
      expect(await claim()).toMatchObject({ outcome: 'requested', deploymentId: 'dep-1' });
    });

    it("dates claims and judges them stale by PostgreSQL's clock, not by the clocks of the services' machines", async () => {
      const deliveries = new WebhookDeliveryRepository(db.prisma);
      const hour = 3_600_000;
      const timeout = config.webhookClaimTimeoutSeconds;
      const row = (deliveryKey: string) => ({
        source: 'jira',
        deliveryKey,
        event: 'jira:issue_updated',
        outcome: 'requesting',
        detail: {},
      });
      const unsettled = (deliveryKey: string) => deliveries.unsettled({ deliveryKey }).then((claim) => claim!);

      // Claimed by a service whose clock is an hour behind; its handler may still be at work.
      await withClockOff(-hour, () => deliveries.claim(row('jira:clock-behind')));
      // Neither a retry on time nor one on a machine an hour ahead takes it over.
      expect(await deliveries.retake(await unsettled('jira:clock-behind'), timeout)).toBe(false);
      expect(await withClockOff(hour, async () => deliveries.retake(await unsettled('jira:clock-behind'), timeout))).toBe(false);

      // A claim left for longer than the timeout is taken over, by one retry only, even on a machine an hour behind.
      await deliveries.claim(row('jira:left'));
      await db.prisma.$executeRaw`
        UPDATE "WebhookDelivery" SET "receivedAt" = "receivedAt" - make_interval(secs => ${timeout + 1}::float8) WHERE "deliveryKey" = 'jira:left'`;
      const left = await unsettled('jira:left');
      expect(await withClockOff(-hour, () => deliveries.retake(left, timeout))).toBe(true);
      expect(await deliveries.retake(left, timeout)).toBe(false);
      expect(await deliveries.claim(row('jira:left'))).toBeNull();
    });

    it('deploys the whole runbook for a deployment-request issue', async () => {
      const key = await epic(['opsprint-deploy', 'env-staging'], 'Task');
      await moveTo(key, 'Ready to Deploy');
      expect(requester.requests).toEqual([expect.objectContaining({ environmentName: 'staging', phases: undefined, issueKey: key })]);
    });

    it('ignores other transitions and records why', async () => {
      const story = await epic(['opsprint', 'env-lab', 'phase-keystone', 'story-install'], 'Story');
      await moveTo(story, 'Ready to Deploy');
      const stranger = await epic(['team-x']);
      await moveTo(stranger, 'Ready to Deploy');
      const opsEpic = await epic(['opsprint', 'env-lab', 'phase-glance']);
      await moveTo(opsEpic, 'In Progress');
      expect(requester.requests).toEqual([]);
      const ignored = (await rows()).filter((r) => r.outcome === 'ignored').map((r) => (r.detail as { reason: string }).reason);
      expect(ignored).toEqual([
        `${story} is a Story; only epics (phases) trigger deployments`,
        `${stranger} is not an OpSprint issue (no opsprint label)`,
        'moved to "In Progress", not to "Ready to Deploy"',
      ]);
    });

    it('answers 401 to unsigned and forged calls and writes nothing; 400 to a signed malformed body, recording only the refusal', async () => {
      const before = (await rows()).length;
      const body = sandbox.jira.webhooks.deliveries.at(-1)!.body;
      const post = (headers: Record<string, string>, payload: Buffer | string) =>
        fetch(endpoint, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: payload });
      expect((await post({}, body)).status).toBe(401);
      expect((await post({ 'X-Hub-Signature': signJiraPayload(body, 'not-the-secret') }, body)).status).toBe(401);
      const tampered = Buffer.from(body.toString().replace('"In Progress"', '"Ready to Deploy"'));
      expect((await post({ 'X-Hub-Signature': signJiraPayload(body, secret) }, tampered)).status).toBe(401);
      expect((await rows()).length).toBe(before);

      const malformed = Buffer.from(JSON.stringify({ webhookEvent: 'jira:issue_updated', issue: { key: 'OPS-1' } }));
      const answer = await post(
        { 'X-Hub-Signature': signJiraPayload(malformed, secret), 'X-Atlassian-Webhook-Identifier': 'bad-1' },
        malformed,
      );
      expect(answer.status).toBe(400);
      expect(await answer.json()).toMatchObject({ outcome: 'malformed', reason: 'issue.id is missing or has the wrong type' });
      const after = (await rows()).slice(before);
      expect(after).toEqual([expect.objectContaining({ deliveryKey: 'jira-refused:bad-1', outcome: 'rejected' })]);
      expect(requester.requests).toEqual([]);
    });

    it('dedupes Data Center deliveries, which carry no identifier, on event + issue + timestamp + changelog', async () => {
      const dc = await startAtlassianSandbox({ jira: { deploymentType: 'Server' } });
      try {
        dc.jira.webhooks.register({ url: endpoint, secret });
        const dcGateway = sandboxGateway(dc, 'datacenter');
        const key = (
          await dcGateway.createIssue({
            project: { key: 'OPS' },
            summary: 'DC phase',
            issuetype: { name: 'Epic' },
            labels: ['opsprint', 'env-dc', 'phase-nova'],
          })
        ).key;
        const transition = (await dcGateway.listTransitions(key)).find((t) => t.to.name === 'Ready to Deploy')!;
        await dcGateway.transitionIssue(key, transition.id);
        await dc.jira.webhooks.settled();
        const delivery = dc.jira.webhooks.deliveries.at(-1)!;
        expect(delivery.headers['X-Atlassian-Webhook-Identifier']).toBeUndefined();
        await dc.jira.webhooks.redeliver(delivery);
        expect(requester.requests).toEqual([
          expect.objectContaining({ environmentName: 'dc', phases: ['nova'], requester: 'jira:olga (Olga Operator)' }),
        ]);
      } finally {
        await dc.stop();
      }
    });

    it('polls for trigger-status epics whose webhook never came, once per state', async () => {
      const poll = new JiraPollService(
        new WebhookDeliveryRepository(db.prisma),
        gateway,
        { projectKey: 'OPS', triggerStatus: 'Ready to Deploy' },
        requester,
      );
      // The webhook-triggered epics of the tests above are already handled.
      const first = await poll.pollOnce();
      expect(first.requested).toEqual([]);

      sandbox.jira.webhooks.registrations.length = 0; // the webhook is lost from here on
      const missed = await epic(['opsprint', 'env-lab', 'phase-neutron']);
      await moveTo(missed, 'Ready to Deploy');
      const second = await poll.pollOnce();
      expect(second.requested).toEqual([{ issueKey: missed, deploymentId: expect.any(String) }]);
      expect(requester.requests).toEqual([
        expect.objectContaining({ environmentName: 'lab', phases: ['neutron'], trigger: 'jira_poll', issueKey: missed }),
      ]);
      // No delivery says when it moved: the issue's last update does.
      const updated = (await gateway.findIssue(missed)).fields.updated as string;
      expect(requester.requests[0].transitionedAt).toEqual(new Date(updated));
      const third = await poll.pollOnce();
      expect(third.requested).toEqual([]);
      expect(third.skipped).toContainEqual({ issueKey: missed, reason: 'a deployment was already requested for this state' });
    });
  });
});
