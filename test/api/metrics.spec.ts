import request from 'supertest';
import { startLab, type Lab } from '../../lab/nodes/lab.js';
import { deploy, startFlowApp } from '../integrations/flow-support.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const ADMIN_TOKEN = 'metrics-admin-token-0123456789abcdef';

/** A sample's value in the Prometheus text format, or undefined when the series is absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = (match[2] ?? '').split(/,(?=[a-zA-Z_]+=)/);
    if (wanted.every((w) => present.includes(w))) return Number(match[3]);
  }
  return undefined;
}

describe('/metrics (Prometheus)', () => {
  let lab: Lab;
  let t: TestApp;
  let open: TestApp | undefined;

  beforeAll(async () => {
    lab = await startLab({ computeNodes: 1 });
    ({ t } = await startFlowApp(lab, { OPSPRINT_ADMIN_TOKEN: ADMIN_TOKEN }));
  });
  afterAll(async () => {
    await open?.close();
    await t?.close();
    await lab?.stop();
  });

  it('answers 401 without a token and to an unknown one', async () => {
    const anonymous = await request(t.app.getHttpServer()).get('/metrics');
    expect(anonymous.status).toBe(401);
    expect(anonymous.text).not.toContain('opsprint_');
    expect((await request(t.app.getHttpServer()).get('/metrics').set('Authorization', 'Bearer not-a-token-of-ours')).status).toBe(401);
  });

  it('after a lab deployment shows the deployment, the phase’s step counts and duration histogram, the queues and SSH', async () => {
    const done = await deploy(t, ['base']);
    expect(done.status).toBe('succeeded');
    const steps = await t.db.prisma.stepRun.groupBy({ by: ['status'], where: { deploymentId: done.id }, _count: { _all: true } });

    const answer = await request(t.app.getHttpServer()).get('/metrics').set('Authorization', `Bearer ${ADMIN_TOKEN}`);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = answer.text;
    expect(sample(text, 'opsprint_deployments', { status: 'succeeded' })).toBe(1);
    expect(sample(text, 'opsprint_deployments', { status: 'running' })).toBe(0);
    // Every step of the phase counted by outcome, and as many observations in its histogram.
    let total = 0;
    for (const { status, _count } of steps) {
      expect({ status, count: sample(text, 'opsprint_steps_total', { phase: 'base', status }) }).toEqual({ status, count: _count._all });
      expect(sample(text, 'opsprint_step_duration_seconds_count', { phase: 'base', status })).toBe(_count._all);
      total += _count._all;
    }
    expect(total).toBeGreaterThan(5);
    const inf = steps.reduce(
      (n, s) => n + (sample(text, 'opsprint_step_duration_seconds_bucket', { phase: 'base', status: s.status, le: '+Inf' }) ?? 0),
      0,
    );
    expect(inf).toBe(total);
    expect(sample(text, 'opsprint_queue_jobs', { queue: 'deployments', state: 'completed' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'opsprint_job_wait_seconds_count', { queue: 'deployments' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'opsprint_job_duration_seconds_count', { queue: 'deployments', outcome: 'completed' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'opsprint_ssh_connections_open')).toBeGreaterThanOrEqual(1); // the pooled connection to the controller
  });

  it('lets a scraper from METRICS_ALLOW_NETWORKS in without a token', async () => {
    open = await startTestApp({ env: { OPSPRINT_ADMIN_TOKEN: ADMIN_TOKEN, METRICS_ALLOW_NETWORKS: '127.0.0.0/8,::1/128' } });
    const answer = await request(open.app.getHttpServer()).get('/metrics');
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('# TYPE opsprint_step_duration_seconds histogram');
  });
});
