import { DB_SYNC_ERROR, NODE1, sprintSeven, t, UPLOAD_ERROR } from '../fixtures/sprint-seven.fixture.js';
import { buildSprintReport } from './sprint-report.js';

const report = () => buildSprintReport(sprintSeven(), t('09T12:00'));

describe('failures, retries and time to recover', () => {
  it('lists each failed step attempt with node, exit code and first error line, and when the step next succeeded', () => {
    const { failures } = report();
    // The dry run's failed verification is not a failure.
    expect(failures).toHaveLength(2);
    expect(failures[0]).toEqual({
      deploymentId: 'dep-1',
      environment: 'lab',
      phaseKey: 'keystone',
      storyKey: 'install',
      stepKey: 'keystone-db-sync',
      stepTitle: 'Create the Keystone tables',
      node: NODE1,
      attempt: 1,
      exitCode: 1,
      firstErrorLine: DB_SYNC_ERROR,
      at: t('02T10:16'),
      recoveredBy: { deploymentId: 'dep-1', attempt: 2, at: t('03T14:02') },
      timeToRecoverMs: t('03T14:02').getTime() - t('02T10:16').getTime(),
      links: { issueKey: 'OPS-21', epicKey: 'OPS-2', deploymentId: 'dep-1', confluencePage: { url: expect.any(String), version: 4 } },
    });
    expect(failures[1]).toMatchObject({
      deploymentId: 'dep-4',
      stepKey: 'upload-image',
      exitCode: 2,
      firstErrorLine: UPLOAD_ERROR,
      recoveredBy: null,
      timeToRecoverMs: null,
      links: { issueKey: 'OPS-32', confluencePage: { version: 6 } },
    });
  });

  it('finds the recovery in a later deployment too', () => {
    const input = sprintSeven();
    input.deployments.push({
      ...input.deployments[3],
      id: 'dep-5',
      jiraTrigger: null,
      status: 'succeeded',
      createdAt: t('06T08:00'),
      startedAt: t('06T08:00'),
      finishedAt: t('06T08:10'),
      phaseRuns: [{ ...input.deployments[3].phaseRuns[0], status: 'succeeded', startedAt: t('06T08:00'), finishedAt: t('06T08:10') }],
      stepAttempts: [
        {
          ...input.deployments[3].stepAttempts[0],
          status: 'changed',
          exitCode: 0,
          firstErrorLine: null,
          startedAt: t('06T08:00'),
          finishedAt: t('06T08:08'),
          durationMs: 480_000,
        },
      ],
    });
    const upload = buildSprintReport(input, t('09T12:00')).failures[1];
    expect(upload.recoveredBy).toEqual({ deploymentId: 'dep-5', attempt: 1, at: t('06T08:08') });
    expect(upload.timeToRecoverMs).toBe(t('06T08:08').getTime() - t('05T09:05').getTime());
  });

  it('lists retried steps and sums up recovery', () => {
    const { retries, recovery } = report();
    expect(retries).toEqual([
      {
        deploymentId: 'dep-1',
        environment: 'lab',
        phaseKey: 'keystone',
        stepKey: 'keystone-db-sync',
        stepTitle: 'Create the Keystone tables',
        node: NODE1,
        attempts: 2,
        failedAttempts: 1,
        finalStatus: 'changed',
        recoveredAfterMs: t('03T14:02').getTime() - t('02T10:16').getTime(),
        links: expect.objectContaining({ issueKey: 'OPS-21', deploymentId: 'dep-1' }),
      },
    ]);
    const recovered = t('03T14:02').getTime() - t('02T10:16').getTime();
    expect(recovery).toEqual({
      failures: 2,
      recovered: 1,
      unrecovered: 1,
      medianTimeToRecoverMs: recovered,
      meanTimeToRecoverMs: recovered,
      retriedSteps: 1,
      retries: 1,
    });
  });
});
