import { NODE1, sprintSeven, t, UPLOAD_ERROR } from '../fixtures/sprint-seven.fixture.js';
import type { DeploymentRecord } from '../model/deployment-record.js';
import { ReportInputError } from '../model/validate-input.js';
import { buildDailyDigest } from './daily-digest.js';

/** Thursday 09:10: dep-4 has just failed; a staging deployment and a dry run on lab are running. */
function thursdayMorning() {
  const input = sprintSeven();
  input.sprint.state = 'active';
  const running: DeploymentRecord = {
    id: 'dep-5',
    environment: 'staging',
    trigger: 'schedule',
    dryRun: false,
    requester: 'schedule:nightly',
    jiraTrigger: null,
    status: 'running',
    createdAt: t('05T09:06'),
    startedAt: t('05T09:07'),
    finishedAt: null,
    phaseRuns: [
      { phaseKey: 'base', status: 'succeeded', startedAt: t('05T09:07'), finishedAt: t('05T09:08'), epicKey: 'STG-1', page: null },
      {
        phaseKey: 'keystone',
        status: 'running',
        startedAt: t('05T09:08'),
        finishedAt: null,
        epicKey: 'STG-2',
        page: { url: 'https://wiki.example.test/stg/keystone', version: 1 },
      },
      { phaseKey: 'glance', status: 'pending', startedAt: null, finishedAt: null, epicKey: 'STG-3', page: null },
    ],
    stepAttempts: [],
  };
  const checking: DeploymentRecord = {
    ...running,
    id: 'dep-6',
    environment: 'lab',
    dryRun: true,
    trigger: 'api',
    requester: 'bob',
    status: 'queued',
    startedAt: null,
    phaseRuns: [],
  };
  input.deployments.push(running, checking);
  return input;
}

describe('daily scrum digest', () => {
  it('lists what got done since yesterday, what runs now and what is blocked, with links', () => {
    const digest = buildDailyDigest(thursdayMorning(), t('04T09:10'), t('05T09:10'));
    expect(digest.sprint).toEqual({ id: 'sprint-7', name: 'Sprint 7', goal: 'Identity and images on the lab' });
    expect(digest).toMatchObject({ since: t('04T09:10'), at: t('05T09:10') });
    // OPS-31 became done at 09:13 yesterday; OPS-21/22 the day before.
    expect(digest.done).toEqual([
      {
        issueKey: 'OPS-31',
        epicKey: 'OPS-3',
        phaseKey: 'glance',
        title: 'Install and configure Glance',
        doneAt: t('04T09:13'),
        links: { issueKey: 'OPS-31', epicKey: 'OPS-3', deploymentId: 'dep-3', confluencePage: { url: expect.any(String), version: 5 } },
      },
    ]);
    expect(digest.running).toEqual([
      {
        deploymentId: 'dep-6',
        environment: 'lab',
        dryRun: true,
        status: 'queued',
        trigger: 'api',
        requester: 'bob',
        startedAt: null,
        phasesDone: 0,
        phasesTotal: 0,
        runningPhases: [],
        links: expect.objectContaining({ deploymentId: 'dep-6' }),
      },
      {
        deploymentId: 'dep-5',
        environment: 'staging',
        dryRun: false,
        status: 'running',
        trigger: 'schedule',
        requester: 'schedule:nightly',
        startedAt: t('05T09:07'),
        phasesDone: 1,
        phasesTotal: 3,
        runningPhases: [
          {
            phaseKey: 'keystone',
            startedAt: t('05T09:08'),
            links: {
              issueKey: 'STG-2',
              epicKey: 'STG-2',
              deploymentId: 'dep-5',
              confluencePage: { url: 'https://wiki.example.test/stg/keystone', version: 1 },
            },
          },
        ],
        links: expect.objectContaining({ deploymentId: 'dep-5' }),
      },
    ]);
    expect(digest.blocked).toEqual([
      {
        issueKey: 'OPS-32',
        epicKey: 'OPS-3',
        phaseKey: 'glance',
        title: 'Upload the cirros image',
        blockedSince: t('05T09:05'),
        lastFailure: {
          deploymentId: 'dep-4',
          node: NODE1,
          phaseKey: 'glance',
          stepKey: 'upload-image',
          stepTitle: 'Upload the cirros image',
          exitCode: 2,
          firstErrorLine: UPLOAD_ERROR,
          at: t('05T09:05'),
        },
        links: { issueKey: 'OPS-32', epicKey: 'OPS-3', deploymentId: 'dep-4', confluencePage: { url: expect.any(String), version: 6 } },
      },
    ]);
  });

  it('knows nothing of what happens after now, and drops a story that was blocked but is done by now', () => {
    const digest = buildDailyDigest(sprintSeven(), t('02T14:05'), t('03T14:05'));
    // OPS-21 was blocked from Monday 10:16 and done at 14:02; OPS-22 is done only at 14:10.
    expect(digest.done.map((d) => [d.issueKey, d.doneAt])).toEqual([['OPS-21', t('03T14:02')]]);
    expect(digest.blocked).toEqual([]);
    // The final rows say dep-1 succeeded; nothing in this input is still running.
    expect(digest.running).toEqual([]);
  });

  it('lists Monday’s blocked story with the failed step, and never a dry run’s failure', () => {
    const input = sprintSeven();
    // Make the dry run's failed verification belong to OPS-21 and come after the real failure.
    input.deployments[1].stepAttempts[1].storyIssueKey = 'OPS-21';
    input.deployments[1].createdAt = t('02T11:00');
    input.deployments[1].stepAttempts[1].finishedAt = t('02T11:05');
    const digest = buildDailyDigest(input, t('02T09:00'), t('02T12:00'));
    expect(digest.done.map((d) => d.issueKey)).toEqual(['OPS-11', 'OPS-12']);
    expect(digest.blocked).toHaveLength(1);
    expect(digest.blocked[0]).toMatchObject({
      issueKey: 'OPS-21',
      blockedSince: t('02T10:16'),
      lastFailure: { deploymentId: 'dep-1', stepKey: 'keystone-db-sync', exitCode: 1 },
    });
  });

  it('refuses a window that ends before it starts', () => {
    expect(() => buildDailyDigest(sprintSeven(), t('05T09:00'), t('05T09:00'))).toThrow(ReportInputError);
    expect(() => buildDailyDigest(sprintSeven(), new Date('x'), t('05T09:00'))).toThrow('since is not a valid date');
  });
});
