import request from 'supertest';
import { DashboardSessions, SESSION_COOKIE } from '../../src/dashboard/session/dashboard-sessions.js';
import { QUEUE_NAMES } from '../../src/infra/queue/jobs.js';
import { JobQueue } from '../../src/infra/queue/job-queue.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('queue-board', () => {
  const ADMIN_TOKEN = 'queue-board-admin-token-0123456789abcdef';

  /** The admin queue view (bull-board) at /admin/queues, under the API's tokens and the dashboard's sessions. */
  describe('/admin/queues (bull-board)', () => {
    let t: TestApp;
    let viewerToken: string;
    const http = () => request(t.app.getHttpServer());

    beforeAll(async () => {
      t = await startTestApp({ env: { OPSPRINT_ADMIN_TOKEN: ADMIN_TOKEN } });
      const created = await http()
        .post('/api/v1/tokens')
        .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
        .send({ name: 'reader', role: 'viewer' });
      expect(created.status).toBe(201);
      viewerToken = created.body.token;
    });
    afterAll(() => t?.close());

    it('refuses without credentials (401) and below admin (403), for the page and its API alike', async () => {
      for (const path of ['/admin/queues', '/admin/queues/api/queues']) {
        const anonymous = await http().get(path);
        expect({ path, status: anonymous.status }).toEqual({ path, status: 401 });
        const viewer = await http().get(path).set('Authorization', `Bearer ${viewerToken}`);
        expect({ path, status: viewer.status }).toEqual({ path, status: 403 });
        expect(viewer.body.message).toContain('needs the admin role');
        expect(JSON.stringify(viewer.body)).not.toContain('deployments');
      }
      const session = await t.app.get(DashboardSessions).signIn(viewerToken);
      expect((await http().get('/admin/queues').set('Cookie', `${SESSION_COOKIE}=${session!.id}`)).status).toBe(403);
    });

    it('shows an admin our queues and their jobs, by bearer token or dashboard session', async () => {
      await t.app.get(JobQueue).add('deployments:advance', { deploymentId: 'not-a-deployment' }, { delay: 60_000 });
      const page = await http().get('/admin/queues').set('Authorization', `Bearer ${ADMIN_TOKEN}`);
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toMatch(/text\/html/);

      const session = await t.app.get(DashboardSessions).signIn(ADMIN_TOKEN);
      const api = await http().get('/admin/queues/api/queues').set('Cookie', `${SESSION_COOKIE}=${session!.id}`);
      expect(api.status).toBe(200);
      const queues = api.body.queues as { name: string; counts: Record<string, number> }[];
      expect(queues.map((q) => q.name).sort()).toEqual([...QUEUE_NAMES].sort());
      expect(queues.find((q) => q.name === 'coordination')?.counts.delayed).toBe(1);
    });
  });
});
