import { JobQueue } from '../../src/infra/queue/job-queue.js';
import { startAtlassianSandbox, type AtlassianSandbox } from '../../lab/atlassian/server.js';
import { startLab, type Lab } from '../../lab/nodes/lab.js';
import { eventually, SCHEDULES_ON_DEMAND, type TestApp } from '../support/test-app.js';
import { atlassianEnv, deploy, getJson, labIssues, settled, startFlowApp } from '../integrations/flow-support.js';

describe('drift', () => {
  const ADMIN_TOKEN = 'drift-admin-token-0123456789abcdef';
  const CONTROLLER = 'linux-node1.example.com';

  let lab: Lab;
  let sandbox: AtlassianSandbox;
  let t: TestApp;
  let url: string;

  const api = async (method: string, path: string) => {
    const response = await fetch(`${url}${path}`, { method, headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
    return { status: response.status, body: (await response.json()) as any };
  };

  const story = (storyKey: string) =>
    labIssues(sandbox).find((i) => i.issueType === 'Story' && i.labels.includes('phase-base') && i.labels.includes(`story-${storyKey}`))!;

  /** Fires the drift check through the API and waits until its check-mode run is recorded (drift-record job completed). */
  async function runDriftCheck(): Promise<{ deploymentId: string; record: any }> {
    const fired = await api('POST', '/api/v1/schedules/drift-check/run');
    expect(fired.status).toBe(202);
    const queue = t.app.get(JobQueue);
    const firing = await eventually(async () => {
      const job = await queue.job('schedules', fired.body.jobId);
      return job?.state === 'completed' || job?.state === 'failed' ? job : undefined;
    }, 60_000);
    expect(firing.returnvalue).toMatchObject({ outcome: 'done', deploymentId: expect.any(String) });
    const deploymentId = (firing.returnvalue as { deploymentId: string }).deploymentId;
    const record = await eventually(async () => {
      const job = await queue.job('schedules', `drift-record-${deploymentId}`);
      return job?.state === 'completed' ? job : undefined;
    }, 240_000);
    return { deploymentId, record: record.returnvalue };
  }

  beforeAll(async () => {
    lab = await startLab({ computeNodes: 1 });
    sandbox = await startAtlassianSandbox();
    ({ t, url } = await startFlowApp(lab, {
      ...atlassianEnv(sandbox),
      JIRA_POLL_INTERVAL_SECONDS: '3600',
      OPSPRINT_ADMIN_TOKEN: ADMIN_TOKEN,
      ...SCHEDULES_ON_DEMAND,
    }));
  });
  afterAll(async () => {
    await t?.close();
    await sandbox?.stop();
    await lab?.stop();
  });

  describe('the drift check (lab nodes, Atlassian sandbox)', () => {
    it('finds a config file changed on a node: the story is reopened in JIRA with a comment and the phase is drifted in the API', async () => {
      const done = await deploy(t, ['base']);
      expect(done.status).toBe('succeeded');
      await settled(t, done.id);
      expect(story('time-sync').status).toBe('Done');

      // Nothing changed yet: the check finds every phase holding.
      const clean = await runDriftCheck();
      expect(clean.record).toMatchObject({ drifted: [], reopened: [] });
      const before = await api('GET', '/api/v1/environments/lab/drift');
      expect(before.body).toMatchObject({ environment: 'lab', drifted: false, phases: [{ phaseKey: 'base', drifted: false }] });

      // Someone edits chrony's config by hand on the controller.
      await lab.hosts.get(CONTROLLER)!.fs.writeFile('/etc/chrony.conf', 'server pool.ntp.org iburst\n');
      const jiraBefore = sandbox.jira.requests.length;
      const check = await runDriftCheck();
      expect(check.record.drifted).toEqual(['base']);
      const timeSync = story('time-sync');
      expect(check.record.reopened).toEqual(expect.arrayContaining([timeSync.key]));
      expect(timeSync.status).toBe('To Do');
      const comment = timeSync.comments.at(-1)!.body;
      expect(comment).toContain("Reopened by OpSprint's drift check");
      expect(comment).toContain('/etc/chrony.conf');
      expect(comment).toContain(CONTROLLER);
      expect(comment).toContain(check.deploymentId);
      // Only what drifted moves: the other stories of the phase stay Done.
      expect(story('host-identity').status).toBe('Done');
      // The check run itself wrote nothing to JIRA beyond the reopening (check mode touches no record).
      const writes = sandbox.jira.requests.slice(jiraBefore).filter((r) => r.method !== 'GET' && !r.path.includes('/search'));
      expect(writes.filter((r) => !/^\/rest\/api\/2\/issue\/[A-Z]+-\d+\/(comment|transitions)$/.test(r.path))).toEqual([]);

      const drift = await api('GET', '/api/v1/environments/lab/drift');
      expect(drift.status).toBe(200);
      expect(drift.body.drifted).toBe(true);
      const base = drift.body.phases.find((p: { phaseKey: string }) => p.phaseKey === 'base');
      expect(base).toMatchObject({ drifted: true, checkDeploymentId: check.deploymentId, driftedSince: expect.any(String) });
      expect(base.findings).toEqual([
        expect.objectContaining({
          storyKey: 'time-sync',
          node: CONTROLLER,
          status: 'would_change',
          title: expect.stringContaining('chrony.conf'),
        }),
      ]);
      // The check changed nothing on the node.
      expect(await lab.hosts.get(CONTROLLER)!.fs.readFile('/etc/chrony.conf')).toBe('server pool.ntp.org iburst\n');

      // A second check finding the same drift does not comment again.
      const comments = timeSync.comments.length;
      const again = await runDriftCheck();
      expect(again.record).toMatchObject({ drifted: ['base'], reopened: [] });
      expect(story('time-sync').comments.length).toBe(comments);
    });

    it('a later deployment that puts the phase right clears the drift', async () => {
      const fixed = await deploy(t, ['base']);
      expect(fixed.status).toBe('succeeded');
      const record = await eventually(async () => {
        const job = await t.app.get(JobQueue).job('schedules', `drift-record-${fixed.id}`);
        return job?.state === 'completed' ? job : undefined;
      }, 120_000);
      expect(record.returnvalue).toMatchObject({ cleared: ['base'] });
      const drift = await getJson(`${url}/api/v1/environments/lab/drift`).catch(() => undefined);
      expect(drift?.status).toBe(401); // the API wants a token
      const after = await api('GET', '/api/v1/environments/lab/drift');
      expect(after.body).toMatchObject({
        drifted: false,
        phases: [{ phaseKey: 'base', drifted: false, clearedBy: fixed.id, findings: [] }],
      });
      await settled(t, fixed.id);
      expect(story('time-sync').status).toBe('Done');
    });
  });
});
