import { failureComment } from '../integrations/jira/failure-comment.js';
import { buildDailyDigest } from '../reports/index.js';
import { sprintSeven, t } from '../reports/fixtures/sprint-seven.fixture.js';
import { dailyScrumComment, dailyScrumPage } from './daily-digest-content.js';

const DEPLOYMENT_ID = '3f0c9a52-6d1e-4b8e-9b61-0c2d5e7f8a90';
const dashboard = (id: string) => `https://opsprint.example.com/dashboard/deployments/${id}`;

describe('deployment links in the digest and JIRA comments', () => {
  // Tuesday: OPS-21 done by dep-1 since Monday afternoon.
  const digest = buildDailyDigest(sprintSeven(), t('02T14:05'), t('03T14:05'));

  it('links each deployment of the digest page and comment to its dashboard page under PUBLIC_URL', () => {
    expect(dailyScrumPage(digest, undefined, dashboard)).toContain(
      '<a href="https://opsprint.example.com/dashboard/deployments/dep-1">dep-1</a>',
    );
    expect(dailyScrumComment(digest, null, dashboard)).toContain(
      'OPS-21 Install and configure Keystone (deployment [dep-1|https://opsprint.example.com/dashboard/deployments/dep-1])',
    );
  });

  it('names the deployment by its id, with no link, without PUBLIC_URL', () => {
    const page = dailyScrumPage(digest, undefined, () => undefined);
    expect(page).toContain('<code>dep-1</code>');
    expect(page).not.toContain('/dashboard/');
    const comment = dailyScrumComment(digest, null);
    expect(comment).toContain('OPS-21 Install and configure Keystone (deployment dep-1)');
    expect(comment).not.toContain('|http');
  });

  it('links the deployment in the failure comment on a story', () => {
    const event = {
      type: 'story.failed' as const,
      deploymentId: DEPLOYMENT_ID,
      environmentId: 'env',
      environmentName: 'lab',
      dryRun: false,
      at: '2026-03-02T10:16:00.000Z',
      phaseKey: 'keystone',
      storyKey: 'keystone-db',
      node: 'linux-node1',
      stepKey: 'db-sync',
      stepTitle: 'Create the Keystone tables',
      exitCode: 1,
      outputTail: 'ERROR 1045',
    };
    expect(failureComment(event, [], dashboard(DEPLOYMENT_ID))).toContain(
      `* Deployment: [${DEPLOYMENT_ID}|https://opsprint.example.com/dashboard/deployments/${DEPLOYMENT_ID}], environment lab`,
    );
    expect(failureComment(event, [])).toContain(`* Deployment: ${DEPLOYMENT_ID}, environment lab`);
  });
});
