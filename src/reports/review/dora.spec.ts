import { sprintSeven, t } from '../fixtures/sprint-seven.fixture.js';
import { buildSprintReport } from './sprint-report.js';

const ms = (from: string, to: string) => t(to).getTime() - t(from).getTime();

describe('DORA keys of the sprint', () => {
  it('deployment frequency: successful real deployments per day of the sprint', () => {
    const { dora, deployments } = buildSprintReport(sprintSeven(), t('09T12:00'));
    // dep-1 (after its retry) and dep-3 succeeded; dep-4 failed; dep-2 is a dry run.
    expect(dora.deploymentFrequency).toEqual({ successfulDeployments: 2, days: 5, perDay: 0.4, deploymentIds: ['dep-1', 'dep-3'] });
    expect(deployments).toMatchObject({
      total: 3,
      dryRunsExcluded: 1,
      byStatus: { succeeded: 2, failed: 1, running: 0, queued: 0, cancelled: 0 },
    });
    expect(deployments.list.map((d) => [d.id, d.failed])).toEqual([
      ['dep-1', true],
      ['dep-3', false],
      ['dep-4', true],
    ]);
  });

  it('lead time: from the JIRA transition that asked for a deployment to its successful end', () => {
    const { leadTime } = buildSprintReport(sprintSeven(), t('09T12:00')).dora;
    // dep-3 came from the API (no transition); dep-4 failed.
    expect(leadTime.samples).toEqual([
      {
        deploymentId: 'dep-1',
        environment: 'lab',
        issueKey: 'OPS-1',
        transitionedAt: t('02T09:50'),
        deployedAt: t('03T14:12'),
        leadTimeMs: ms('02T09:50', '03T14:12'),
        links: { issueKey: 'OPS-1', epicKey: null, deploymentId: 'dep-1', confluencePage: null },
      },
    ]);
    expect(leadTime.medianMs).toBe(ms('02T09:50', '03T14:12'));
  });

  it('lead time: the median of several samples', () => {
    const input = sprintSeven();
    input.deployments[2].jiraTrigger = { issueKey: 'OPS-3', transitionedAt: t('04T08:44') };
    const { leadTime } = buildSprintReport(input, t('09T12:00')).dora;
    expect(leadTime.samples.map((s) => s.leadTimeMs)).toEqual([ms('02T09:50', '03T14:12'), ms('04T08:44', '04T09:14')]);
    expect(leadTime.medianMs).toBe((ms('02T09:50', '03T14:12') + ms('04T08:44', '04T09:14')) / 2);
  });

  it('change failure rate: deployments that failed, or only succeeded after a retry, over finished deployments', () => {
    const { changeFailureRate } = buildSprintReport(sprintSeven(), t('09T12:00')).dora;
    expect(changeFailureRate).toMatchObject({ finishedDeployments: 3, failedDeployments: 2, rate: 0.6667 });
    expect(changeFailureRate.failed.map((f) => [f.deploymentId, f.status])).toEqual([
      ['dep-1', 'succeeded'],
      ['dep-4', 'failed'],
    ]);
  });

  it('time to restore: from the first failure on an environment to the next successful deployment there', () => {
    const { timeToRestore } = buildSprintReport(sprintSeven(), t('09T12:00')).dora;
    expect(timeToRestore.incidents).toEqual([
      {
        environment: 'lab',
        failedAt: t('02T10:16'),
        failedDeploymentIds: ['dep-1'],
        restoredAt: t('03T14:12'),
        restoredByDeploymentId: 'dep-1',
        durationMs: ms('02T10:16', '03T14:12'),
        openForMs: null,
        links: expect.objectContaining({ deploymentId: 'dep-1' }),
      },
      {
        environment: 'lab',
        failedAt: t('05T09:05'),
        failedDeploymentIds: ['dep-4'],
        restoredAt: null,
        restoredByDeploymentId: null,
        durationMs: null,
        // Still broken when the sprint closed.
        openForMs: ms('05T09:05', '07T09:00'),
        links: expect.objectContaining({ deploymentId: 'dep-4' }),
      },
    ]);
    expect(timeToRestore).toMatchObject({ restored: 1, open: 1, medianMs: ms('02T10:16', '03T14:12') });
  });

  it('time to restore: failures in a row are one incident, restored by the first success after them', () => {
    const input = sprintSeven();
    const failedAgain = {
      ...input.deployments[3],
      id: 'dep-5',
      createdAt: t('05T11:00'),
      startedAt: t('05T11:00'),
      finishedAt: t('05T11:03'),
    };
    failedAgain.stepAttempts = failedAgain.stepAttempts.map((a) => ({ ...a, startedAt: t('05T11:00'), finishedAt: t('05T11:03') }));
    const fixed = { ...input.deployments[2], id: 'dep-6', createdAt: t('06T09:00'), startedAt: t('06T09:00'), finishedAt: t('06T09:20') };
    input.deployments.push(failedAgain, fixed);
    const { timeToRestore, changeFailureRate, deploymentFrequency } = buildSprintReport(input, t('09T12:00')).dora;
    expect(timeToRestore.incidents[1]).toMatchObject({
      failedAt: t('05T09:05'),
      failedDeploymentIds: ['dep-4', 'dep-5'],
      restoredByDeploymentId: 'dep-6',
      durationMs: ms('05T09:05', '06T09:20'),
    });
    expect(timeToRestore.medianMs).toBe((ms('02T10:16', '03T14:12') + ms('05T09:05', '06T09:20')) / 2);
    expect(changeFailureRate).toMatchObject({ finishedDeployments: 5, failedDeployments: 3, rate: 0.6 });
    expect(deploymentFrequency).toMatchObject({ successfulDeployments: 3, perDay: 0.6 });
  });

  it('a dry run never counts: turning the dry run into a real one changes every key', () => {
    const input = sprintSeven();
    const before = buildSprintReport(input, t('09T12:00')).dora;
    input.deployments[1].dryRun = false;
    const after = buildSprintReport(input, t('09T12:00')).dora;
    expect(after.changeFailureRate.finishedDeployments).toBe(before.changeFailureRate.finishedDeployments + 1);
    expect(after.changeFailureRate.failedDeployments).toBe(before.changeFailureRate.failedDeployments + 1);
    // It "failed" while lab was already broken by dep-1: part of that incident.
    expect(before.timeToRestore.incidents[0].failedDeploymentIds).toEqual(['dep-1']);
    expect(after.timeToRestore.incidents[0].failedDeploymentIds).toEqual(['dep-1', 'dep-2']);
  });

  it('counts days so far while the sprint runs, and nothing for a sprint that has not started', () => {
    const input = sprintSeven();
    input.sprint.state = 'active';
    const active = buildSprintReport(input, t('04T10:00')).dora;
    // 2 days and 1 hour in: 3 days; dep-4 does not exist yet.
    expect(active.deploymentFrequency).toMatchObject({ successfulDeployments: 2, days: 3, perDay: 0.67 });
    expect(active.changeFailureRate).toMatchObject({ finishedDeployments: 2, failedDeployments: 1, rate: 0.5 });
    input.sprint.state = 'future';
    const future = buildSprintReport(input, t('01T10:00')).dora;
    expect(future.deploymentFrequency).toMatchObject({ successfulDeployments: 0, days: 1, perDay: 0 });
    expect(future.changeFailureRate.rate).toBeNull();
    expect(future.leadTime.medianMs).toBeNull();
    expect(future.timeToRestore.incidents).toEqual([]);
  });
});
