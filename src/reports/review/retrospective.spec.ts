import { sprintSeven, t, UPLOAD_ERROR } from '../fixtures/sprint-seven.fixture.js';
import { buildSprintReport } from './sprint-report.js';

describe('retrospective prompts', () => {
  it('turns what failed, was retried, stayed broken, came late and ran slowest into questions, with links', () => {
    const prompts = buildSprintReport(sprintSeven(), t('09T12:00')).retrospective;
    expect(prompts.map((p) => p.kind)).toEqual(['failing-step', 'failing-step', 'open-incident', 'scope-added', 'slowest-step']);
    const [upload, dbSync, incident, added, slowest] = prompts;
    // Equal counts: alphabetical by phase/step, so the order is stable.
    expect(upload.text).toBe(
      `"Upload the cirros image" (glance/upload-image) failed 1 time on linux-node1.example.com (exit 2): "${UPLOAD_ERROR}". ` +
        'It has not recovered yet. What would have caught it before the deployment?',
    );
    expect(upload.links).toEqual([
      expect.objectContaining({ issueKey: 'OPS-32', deploymentId: 'dep-4', confluencePage: expect.objectContaining({ version: 6 }) }),
    ]);
    expect(dbSync.text).toContain('(keystone/keystone-db-sync) failed 1 time on linux-node1.example.com (exit 1)');
    expect(dbSync.text).toContain('and took 1 retry. It recovered after 27 h 46 min at most.');
    expect(incident.text).toBe(
      'lab has been failing since 2026-03-05 09:05:00 UTC (1 failed deployment, open for 47 h 55 min). What does restoring it need?',
    );
    expect(incident.links.map((l) => l.deploymentId)).toEqual(['dep-4']);
    expect(added).toMatchObject({ count: 1, text: expect.stringContaining('1 story came into the sprint after it started (OPS-32)') });
    expect(slowest.text).toContain(
      '"Register the identity service" (keystone/register-identity) on linux-node1.example.com: 8 min 00 s at most',
    );
  });

  it('puts the step that failed most first, and asks about committed stories left undone', () => {
    const input = sprintSeven();
    input.sprint.state = 'active';
    const upload = input.deployments[3];
    // A second failure of the same step in a later deployment.
    input.deployments.push({
      ...upload,
      id: 'dep-5',
      createdAt: t('05T12:00'),
      startedAt: t('05T12:00'),
      finishedAt: t('05T12:01'),
      stepAttempts: upload.stepAttempts.map((a) => ({ ...a, startedAt: t('05T12:00'), finishedAt: t('05T12:01'), durationMs: 60_000 })),
    });
    const prompts = buildSprintReport(input, t('05T13:00')).retrospective;
    expect(prompts[0]).toMatchObject({
      kind: 'failing-step',
      count: 2,
      text: expect.stringContaining('(glance/upload-image) failed 2 times'),
    });
    const carried = prompts.find((p) => p.kind === 'carried-over');
    // OPS-41 left the sprint at 10:00 and OPS-32 was never committed: nothing committed is left undone.
    expect(carried).toBeUndefined();
  });

  it('asks about committed stories left undone once the sprint is over, not while it runs', () => {
    const input = sprintSeven();
    input.sprint.state = 'active';
    expect(buildSprintReport(input, t('04T10:00')).retrospective.find((p) => p.kind === 'carried-over')).toBeUndefined();
    input.sprint.state = 'closed';
    input.sprint.completedAt = t('04T10:00');
    const prompts = buildSprintReport(input, t('09T10:00')).retrospective;
    expect(prompts.find((p) => p.kind === 'carried-over')).toMatchObject({
      count: 1,
      text: '1 committed story is not done (OPS-41). Split, re-plan or carry over?',
      links: [expect.objectContaining({ issueKey: 'OPS-41', epicKey: 'OPS-4' })],
    });
  });

  it('asks why a step had to run again when no attempt of it failed (cancelled or interrupted)', () => {
    const input = sprintSeven();
    const dep3 = input.deployments[2];
    const install = dep3.stepAttempts[4];
    dep3.stepAttempts.splice(
      4,
      1,
      { ...install, attempt: 1, status: 'cancelled', finishedAt: t('04T09:08'), durationMs: 120_000 },
      { ...install, attempt: 2 },
    );
    const prompts = buildSprintReport(input, t('09T12:00')).retrospective;
    expect(prompts.find((p) => p.kind === 'retried-step')).toMatchObject({
      count: 1,
      text: '"Install Glance" (glance/install-glance) was run again 1 time without a recorded failure (cancelled or interrupted). Why did it have to be repeated?',
    });
  });
});
