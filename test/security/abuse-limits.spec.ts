/**
 * Abuse limits (issue 9, item 6): failed authentication and bad webhook signatures are counted per
 * source IP in Redis; past the per-minute budget the source gets 429 with Retry-After, and while it
 * is blocked every request of that kind from it is refused, a good token too.
 */
import 'reflect-metadata';
import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import request from 'supertest';
import type { DeploymentRequester } from '../../src/integrations/jira/deployment-requester.port.js';
import { JiraWebhookController } from '../../src/integrations/jira/jira-webhook.controller.js';
import { signJiraPayload } from '../../src/integrations/jira/webhook-signature.js';
import { JiraWebhookService } from '../../src/integrations/jira/webhook.service.js';
import { FailureLimiter } from '../../src/infra/kv/failure-limiter.js';
import { WebhookDeliveryRepository } from '../../src/persistence/repositories/webhook-delivery.repository.js';
import { ADMIN_TOKEN, bearer, environmentBody, startApiApp, type ApiTestApp } from '../api/api-test-app.js';
import { SseReader } from '../api/sse-reader.js';
import { testFailureLimiter } from '../support/failure-limiter.js';
import { postSignIn } from '../support/dashboard-sign-in.js';

const LIMIT = 3;

describe('failed bearer tokens', () => {
  let t: ApiTestApp;
  beforeAll(async () => {
    t = await startApiApp({ env: { OPSPRINT_ADMIN_TOKEN: ADMIN_TOKEN, AUTH_FAILURES_PER_MINUTE: String(LIMIT) } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('never counts successful requests', async () => {
    for (let i = 0; i < LIMIT * 3; i++) await t.http().get('/api/v1/environments').set(bearer(ADMIN_TOKEN)).expect(200);
  });

  it('answers 429 with Retry-After to the attempt after N bad tokens, and then blocks the source, a good token too', async () => {
    for (let i = 0; i < LIMIT; i++)
      await t
        .http()
        .get('/api/v1/environments')
        .set(bearer(`guess-${i}`))
        .expect(401);
    const blocked = await t.http().get('/api/v1/environments').set(bearer('guess-last')).expect(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(blocked.body.message).toMatch(/too many failed authentication attempts/);
    const good = await t.http().get('/api/v1/environments').set(bearer(ADMIN_TOKEN)).expect(429);
    expect(Number(good.headers['retry-after'])).toBeGreaterThan(0);
    // /metrics shares the same count.
    await t.http().get('/metrics').set(bearer(ADMIN_TOKEN)).expect(429);
  });
});

describe('failed dashboard sign-ins', () => {
  let t: ApiTestApp;
  beforeAll(async () => {
    t = await startApiApp({ env: { OPSPRINT_ADMIN_TOKEN: ADMIN_TOKEN, AUTH_FAILURES_PER_MINUTE: String(LIMIT) } });
  });
  afterAll(async () => {
    await t?.close();
  });

  const signIn = (token: string) => postSignIn(t.app.getHttpServer(), token);

  it('does not count correct sign-ins, answers 429 with Retry-After after N wrong ones, then blocks a correct one too', async () => {
    for (let i = 0; i < LIMIT - 1; i++) expect((await signIn(`ops_guess-${i}`)).status).toBe(401);
    // Correct sign-ins between the guesses: were they counted, the next guess would already be refused.
    for (let i = 0; i < LIMIT * 2; i++) expect((await signIn(ADMIN_TOKEN)).status).toBe(303);
    expect((await signIn('ops_guess-last-allowed')).status).toBe(401);

    const blocked = await signIn('ops_guess-too-many');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(blocked.text).toContain('Too many failed sign-ins from this address');
    expect(blocked.headers['set-cookie']?.toString() ?? '').not.toContain('opsprint_session=');
    const good = await signIn(ADMIN_TOKEN);
    expect(good.status).toBe(429);
    expect(Number(good.headers['retry-after'])).toBeGreaterThan(0);
    // The API shares the count: the same source is refused there as well.
    await t.http().get('/api/v1/environments').set(bearer(ADMIN_TOKEN)).expect(429);
  });
});

describe('bad JIRA webhook signatures', () => {
  const secret = 'abuse-webhook-secret';
  let app: INestApplication;
  let limits: ReturnType<typeof testFailureLimiter>;
  let t: ApiTestApp;
  const requester: DeploymentRequester = {
    request: async () => ({ deploymentId: 'never' }),
    existing: async () => null,
  };

  beforeAll(async () => {
    t = await startApiApp();
    limits = testFailureLimiter({ WEBHOOK_FAILURES_PER_MINUTE: String(LIMIT) });
    const config = { webhookSecret: secret, triggerStatus: 'Ready to Deploy', webhookMaxAgeSeconds: 300, webhookClaimTimeoutSeconds: 60 };
    const service = new JiraWebhookService(new WebhookDeliveryRepository(t.db.prisma), config, requester);
    @Module({
      controllers: [JiraWebhookController],
      providers: [
        { provide: JiraWebhookService, useValue: service },
        { provide: FailureLimiter, useValue: limits.limiter },
      ],
    })
    class WebhookTestModule {}
    app = await NestFactory.create(WebhookTestModule, { rawBody: true, logger: false });
    await app.init();
  });
  afterAll(async () => {
    await app?.close();
    await limits?.close();
    await t?.close();
  });

  it('answers 429 with Retry-After after N bad signatures, and refuses a good one while blocked', async () => {
    const body = JSON.stringify({ webhookEvent: 'jira:issue_updated', timestamp: Date.now() });
    const post = (signature: string) =>
      request(app.getHttpServer())
        .post('/webhooks/jira')
        .set('Content-Type', 'application/json')
        .set('X-Hub-Signature', signature)
        .send(body);
    for (let i = 0; i < LIMIT; i++) await post('sha256=00').expect(401);
    const blocked = await post('sha256=00').expect(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    await post(signJiraPayload(Buffer.from(body), secret)).expect(429);
  });
});

describe('live log streams per token', () => {
  const STREAMS = 2;
  let t: ApiTestApp;
  let baseUrl: string;
  let id: string;
  beforeAll(async () => {
    t = await startApiApp({ env: { OPSPRINT_ADMIN_TOKEN: ADMIN_TOKEN, SSE_STREAMS_PER_TOKEN: String(STREAMS) } });
    await t.app.listen(0, '127.0.0.1');
    baseUrl = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
    await t.http().post('/api/v1/environments').set(bearer(ADMIN_TOKEN)).send(environmentBody('lab')).expect(201);
    // Workers are off: the deployment stays queued, so its streams stay open.
    id = (
      await t
        .http()
        .post('/api/v1/deployments')
        .set(bearer(ADMIN_TOKEN))
        .send({ environment: 'lab', phases: ['base'] })
        .expect(201)
    ).body.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  async function open() {
    const abort = new AbortController();
    const response = await fetch(`${baseUrl}/api/v1/deployments/${id}/logs/stream`, { headers: bearer(ADMIN_TOKEN), signal: abort.signal });
    return { response, abort };
  }

  it('answers 429 to the (N+1)th open stream of one token, and frees a slot when a stream closes', async () => {
    const streams = [];
    for (let i = 0; i < STREAMS; i++) {
      const stream = await open();
      expect(stream.response.status).toBe(200);
      expect((await new SseReader(stream.response.body!.getReader()).next())?.event).toBe('deployment');
      streams.push(stream);
    }
    const refused = await open();
    expect(refused.response.status).toBe(429);
    expect(((await refused.response.json()) as { message: string }).message).toMatch(/SSE_STREAMS_PER_TOKEN/);

    streams[0].abort.abort();
    // The server notices the closed connection on its own time: retry until the slot is free.
    let again = await open();
    for (let attempt = 0; again.response.status === 429 && attempt < 200; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      again = await open();
    }
    expect(again.response.status).toBe(200);
    again.abort.abort();
    streams[1].abort.abort();
  });
});
