import { ConflictError } from '../../../src/common/errors.js';
import { JobQueue } from '../../../src/infra/queue/job-queue.js';
import { isOpsprintSprintOf, SprintPlacement } from '../../../src/integrations/jira/sprint-placement.js';
import { JiraSprintLifecycle } from '../../../src/integrations/jira/sprint-lifecycle.service.js';
import { DEFAULT_USERS } from '../../../lab/atlassian/http.js';
import { startAtlassianSandbox, type AtlassianSandbox } from '../../../lab/atlassian/server.js';
import type { StoredSprint } from '../../../lab/atlassian/jira/jira-state.js';
import { eventually, startTestApp, type TestApp } from '../../support/test-app.js';
import { OpenApiResponses } from './openapi-validator.js';

describe('sprint-lifecycle', () => {
  const DAY_MS = 24 * 60 * 60 * 1000;

  /** The sprint lifecycle and placement in the running application, against the sandbox with the real jira-client. */
  describe('JIRA sprints: started by OpSprint, closed at their end date or on request (JIRA_SPRINT_MODE=new)', () => {
    let sandbox: AtlassianSandbox;
    let t: TestApp;
    let lifecycle: JiraSprintLifecycle;
    const specs = new OpenApiResponses();
    const user = DEFAULT_USERS[0];

    beforeAll(async () => {
      sandbox = await startAtlassianSandbox();
      t = await startTestApp({
        env: {
          JIRA_BASE_URL: sandbox.jiraBaseUrl,
          JIRA_EMAIL: user.email,
          JIRA_API_TOKEN: user.apiToken,
          JIRA_PROJECT_KEY: 'OPS',
          JIRA_FLAVOR: 'cloud',
          JIRA_BOARD_ID: '1',
          JIRA_SPRINT_MODE: 'new',
          JIRA_SPRINT_DAYS: '14',
        },
      });
      lifecycle = t.app.get(JiraSprintLifecycle, { strict: false });
    });
    afterAll(async () => {
      await t?.close();
      await sandbox?.stop();
    });

    /** What a person does in JIRA: plain REST calls as the sandbox user. */
    async function asPerson(method: string, path: string, body?: unknown) {
      const auth = `Basic ${Buffer.from(`${user.email}:${user.apiToken}`).toString('base64')}`;
      const answer = await fetch(`${sandbox.jiraBaseUrl}${path}`, {
        method,
        headers: { Authorization: auth, ...(body ? { 'Content-Type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await answer.text();
      return text ? JSON.parse(text) : undefined;
    }
    const futureSprint = async (name: string, dates: { startDate?: string; endDate?: string } = {}) =>
      (await asPerson('POST', '/rest/agile/1.0/sprint', { name, originBoardId: 1, ...dates })) as { id: number };
    const stored = (id: number): StoredSprint => sandbox.jira.state.sprints.find((s) => s.id === id)!;
    /** Requests to the sprint itself (GET = read it, POST = update it) made while `work` runs. */
    const sprintRequests = async (id: number, work: () => Promise<unknown>) => {
      const before = sandbox.jira.requests.length;
      await work();
      return sandbox.jira.requests.slice(before).filter((r) => r.path === `/rest/agile/1.0/sprint/${id}`);
    };

    it('starts a future sprint now, ending after JIRA_SPRINT_DAYS, and schedules its close for the end date', async () => {
      const { id } = await futureSprint('Sprint 7');
      const before = Date.now();
      const sprint = await lifecycle.start(id);
      expect(stored(id).state).toBe('active');
      expect(sprint).toMatchObject({ id, state: 'active' });
      const start = Date.parse(stored(id).startDate!);
      expect(start).toBeGreaterThanOrEqual(before - 1000);
      expect(Date.parse(stored(id).endDate!) - start).toBe(14 * DAY_MS);
      // What the client sent is what Atlassian documents for a partial update.
      const update = sandbox.jira.requests.filter((r) => r.method === 'POST' && r.path === `/rest/agile/1.0/sprint/${id}`);
      expect(update).toHaveLength(1);
      expect(specs.validateRequest('jira-software', 'POST', '/rest/agile/1.0/sprint/{sprintId}', JSON.parse(update[0].body!))).toEqual([]);

      const endsAt = Date.parse(stored(id).endDate!);
      const close = await t.app.get(JobQueue).job('jira', `jira-close-sprint-${id}-${endsAt}`);
      expect(close).toMatchObject({ state: 'delayed', data: { sprintId: id, atEndDate: true } });
      // Work scheduled for a later date is not work left over.
      await eventually(async () => ((await t.app.get(JobQueue).pending(['jira'])) === 0 ? true : undefined));

      // Starting a running sprint reads it and changes nothing.
      expect((await sprintRequests(id, () => lifecycle.start(id))).map((r) => r.method)).toEqual(['GET']);
    });

    it('keeps an end date the sprint already has when it is still ahead', async () => {
      const endDate = new Date(Date.now() + 3 * DAY_MS).toISOString();
      const { id } = await futureSprint('Planned', { endDate });
      await lifecycle.start(id);
      expect(stored(id)).toMatchObject({ state: 'active', endDate });
    });

    it('starts the sprint when the deployment that needs it began, when the JIRA sync gets to it only later', async () => {
      const began = new Date(Date.now() - 90_000);
      const { id } = await futureSprint('Late sync');
      await lifecycle.start(id, began);
      expect(stored(id)).toMatchObject({ state: 'active', startDate: began.toISOString() });
      // A start time in the future is not one: the sprint starts now.
      const { id: other } = await futureSprint('Clock skew');
      const before = Date.now();
      await lifecycle.start(other, new Date(Date.now() + DAY_MS));
      expect(Date.parse(stored(other).startDate!)).toBeGreaterThanOrEqual(before - 1000);
      expect(Date.parse(stored(other).startDate!)).toBeLessThanOrEqual(Date.now());
    });

    it('closes an active sprint, once; refuses to close one that never started or to start a closed one', async () => {
      const { id } = await futureSprint('Closing');
      const refused = await sprintRequests(id, () => expect(lifecycle.close(id)).rejects.toThrow(ConflictError));
      expect(refused.map((r) => r.method)).toEqual(['GET']);
      expect(stored(id).state).toBe('future');

      await lifecycle.start(id);
      const closed = await lifecycle.close(id);
      expect(closed.state).toBe('closed');
      expect(stored(id).state).toBe('closed');
      expect(Date.parse(stored(id).completeDate!)).not.toBeNaN();
      expect((await sprintRequests(id, () => lifecycle.close(id))).map((r) => r.method)).toEqual(['GET']);
      await expect(lifecycle.start(id)).rejects.toThrow(/is closed/);
      const audit = await t.db.prisma.auditEvent.findMany({ where: { target: String(id) }, orderBy: { at: 'asc' } });
      expect(audit.map((a) => a.action)).toEqual(['jira.sprint.started', 'jira.sprint.closed']);
    });

    it('the jira:close-sprint job closes a sprint whose end date has come, and waits for one whose end date moved later', async () => {
      const queue = t.app.get(JobQueue);
      const runJob = async (payload: { sprintId: number; atEndDate?: boolean }) => {
        const jobId = await queue.add('jira:close-sprint', payload);
        return eventually(async () => {
          const job = await queue.job('jira', jobId);
          return job?.state === 'completed' ? job : undefined;
        });
      };

      const { id: due } = await futureSprint('Ended yesterday', {
        startDate: new Date(Date.now() - 8 * DAY_MS).toISOString(),
        endDate: new Date(Date.now() - DAY_MS).toISOString(),
      });
      await asPerson('POST', `/rest/agile/1.0/sprint/${due}`, { state: 'active' });
      expect(stored(due).state).toBe('active');
      expect((await runJob({ sprintId: due, atEndDate: true })).returnvalue).toEqual({ sprintId: due, state: 'closed' });
      expect(stored(due).state).toBe('closed');

      const { id: moved } = await futureSprint('Extended');
      await lifecycle.start(moved);
      const endDate = new Date(Date.now() + 20 * DAY_MS).toISOString();
      await asPerson('POST', `/rest/agile/1.0/sprint/${moved}`, { endDate }); // the team extends the sprint
      expect((await runJob({ sprintId: moved, atEndDate: true })).returnvalue).toEqual({
        sprintId: moved,
        state: 'active',
        rescheduledFor: endDate,
      });
      expect(stored(moved).state).toBe('active');
      expect(await queue.job('jira', `jira-close-sprint-${moved}-${Date.parse(endDate)}`)).toMatchObject({ state: 'delayed' });

      // Closing on request (what an API route enqueues) does not wait for the end date.
      expect((await runJob({ sprintId: moved })).returnvalue).toEqual({ sprintId: moved, state: 'closed' });
      expect(stored(moved).state).toBe('closed');
    });

    it('places stories in the environment’s OpSprint sprint, started by the first deployment that needs it, adding only what is missing', async () => {
      const placement = t.app.get(SprintPlacement, { strict: false });
      const keys = ['A', 'B', 'C'].map(
        (summary) => sandbox.jira.state.createIssue({ project: { key: 'OPS' }, summary, issuetype: { name: 'Story' } }).key,
      );
      const opsprintSprints = () => sandbox.jira.state.sprints.filter((s) => isOpsprintSprintOf(s.name, 'lab'));
      const requestsDuring = async (work: () => Promise<unknown>) => {
        const before = sandbox.jira.requests.length;
        await work();
        return sandbox.jira.requests.slice(before).map((r) => `${r.method} ${r.path.replace(/\d+/g, 'N')}`);
      };

      expect(await placement.place({ deploymentId: 'd1', environmentName: 'lab' }, [keys[0], keys[1]])).toEqual([keys[0], keys[1]]);
      expect(opsprintSprints()).toHaveLength(1);
      const [sprint] = opsprintSprints();
      expect(sprint).toMatchObject({ state: 'active', issueKeys: [keys[0], keys[1]] });

      // Later in the same deployment: the sprint and its issues are known; only the new story is sent.
      let added: string[] = [];
      expect(
        await requestsDuring(async () => {
          added = await placement.place({ deploymentId: 'd1', environmentName: 'lab' }, [keys[1], keys[2]]);
        }),
      ).toEqual(['POST /rest/agile/N.N/sprint/N/issue']);
      expect(added).toEqual([keys[2]]);

      // The next deployment finds the running sprint: no new one, and nothing to add.
      placement.forget('d1');
      expect(
        await requestsDuring(async () => {
          added = await placement.place({ deploymentId: 'd2', environmentName: 'lab' }, [keys[0]]);
        }),
      ).toEqual(['GET /rest/agile/N.N/board/N/sprint', 'GET /rest/agile/N.N/sprint/N/issue']);
      expect(added).toEqual([]);

      // Once that sprint is closed, work goes into a new one; the closed sprint keeps what it had.
      await lifecycle.close(sprint.id);
      placement.forget('d2');
      expect(await placement.place({ deploymentId: 'd3', environmentName: 'lab' }, [keys[0]])).toEqual([keys[0]]);
      const next = opsprintSprints().find((s) => s.state === 'active')!;
      expect(next.id).not.toBe(sprint.id);
      expect(next.issueKeys).toEqual([keys[0]]);
      expect(stored(sprint.id).issueKeys.sort()).toEqual([...keys].sort());
    });
  });
});
