import { NotFoundError } from '../../common/errors.js';
import type { Runtime } from '../../config/runtime.js';
import { sprintSeven, t } from '../../reports/fixtures/sprint-seven.fixture.js';
import { buildSprintReport, type SprintReport } from '../../reports/index.js';
import type { DeploymentLogStream } from '../../deployments/deployment-log-stream.js';
import { DashboardLinks } from '../dashboard-links.js';
import type { DashboardPages } from '../dashboard-pages.service.js';
import { DashboardController } from '../dashboard.controller.js';
import { DashboardViews } from '../dashboard-views.js';
import type { DashboardRequest } from '../session/dashboard-auth.guard.js';
import { DashboardSprintsController } from './dashboard-sprints.controller.js';
import { type SprintListEntry, SprintReviewReader } from './sprint-review-reader.js';

/** The pages rendered through the reader interface on the fixed sprint: no database, no HTTP. */
class FixtureSprints extends SprintReviewReader {
  constructor(private readonly input = sprintSeven()) {
    super();
  }

  async listSprints(): Promise<SprintListEntry[]> {
    const { id, name, goal, state, startAt, endAt, completedAt } = this.input.sprint;
    const reviewPage = { url: 'https://wiki.example.test/spaces/OPS/pages/7/Sprint+7+review', version: 2 };
    return [{ id, name, goal, state, startAt, endAt, completedAt, environment: 'lab', deployments: 4, reviewPage }];
  }

  async report(sprintId: string, now = t('20T08:00')): Promise<SprintReport> {
    if (sprintId !== this.input.sprint.id) throw new NotFoundError(`sprint ${sprintId} not found`);
    return buildSprintReport(this.input, now);
  }
}

const runtime = { config: { jira: { baseUrl: new URL('https://jira.example.test/') } } } as unknown as Runtime;
const request = { dashboard: { principal: { name: 'reviewer', role: 'viewer' }, csrf: 'c', expiresAt: '' } } as unknown as DashboardRequest;
const controller = (input = sprintSeven()) =>
  new DashboardSprintsController(new FixtureSprints(input), new DashboardViews(), new DashboardLinks(runtime));
/** The text a reader sees: tags dropped, white space collapsed. */
const visible = (html: string) =>
  html
    .replace(/<svg[\s\S]*?<\/svg>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ');

describe('sprint pages (rendered on the fixed sprint)', () => {
  it('lists the sprints with a link to each review', async () => {
    const html = await controller().list(request);
    expect(html).toContain('<a href="/dashboard/sprints/sprint-7">Sprint 7</a>');
    expect(visible(html)).toContain('Identity and images on the lab');
    expect(html).toContain('<a href="https://wiki.example.test/spaces/OPS/pages/7/Sprint+7+review">review v2</a>');
  });

  it('shows the review: committed vs done, burndown, timeline, DORA keys, failures, prompts and links', async () => {
    const html = await controller().review(request, 'sprint-7');
    const text = visible(html);
    expect(text).toContain('Sprint 7 review');
    expect(html).toContain('<a href="https://wiki.example.test/spaces/OPS/pages/7/Sprint+7+review">Confluence review page v2</a>');
    expect(text).toMatch(/Stories 6 1 1 6 5 5 1/);
    expect(text).toMatch(/Story points 16 2 0 18 16 16 2/);
    expect(html.match(/<figure class="chart[^"]*"[^>]*><svg /g)).toHaveLength(3);
    expect(text).toContain('0.4 / day');
    expect(text).toContain('66.7 %');
    expect(text).toContain('Exit code');
    expect(html).toContain('<a class="link jira" href="https://jira.example.test/browse/OPS-21">OPS-21</a>');
    expect(html).toMatch(/<a class="link confluence" href="https:\/\/wiki\.example\.test\/spaces\/OPS\/pages\/keystone">page v\d+<\/a>/);
    expect(html).toContain('href="/dashboard/deployments/dep-4"');
    expect(text).toContain('What would have caught it before the deployment?');
    expect(text).toContain('3 deployments; 1 check-mode run left out of every number');
  });

  it('escapes everything people typed, in the page and in the charts', async () => {
    const input = sprintSeven();
    input.sprint.name = 'S7 <script>alert(1)</script>';
    input.sprint.goal = '<img src=x onerror=alert(2)>';
    input.deployments[0].stepAttempts.find((attempt) => attempt.status === 'failed')!.firstErrorLine = '<b>boom</b> & "quotes"';
    const html = await controller(input).review(request, 'sprint-7');
    expect(html).not.toMatch(/<script>alert|<img src=x|<b>boom/);
    expect(html).toContain('S7 &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(2)&gt;');
    expect(html).toContain('&lt;b&gt;boom&lt;/b&gt; &amp; &quot;quotes&quot;');
  });

  it('draws another deployment’s timeline when asked, and answers 404 for what is not there and 400 for a malformed id', async () => {
    const html = await controller().review(request, 'sprint-7', 'dep-1');
    expect(html).toContain('deployment dep-1 on lab');
    await expect(controller().review(request, 'sprint-7', 'dep-2')).rejects.toThrow(NotFoundError);
    await expect(controller().review(request, 'sprint-8')).rejects.toThrow(NotFoundError);
    await expect(controller().review(request, '../etc')).rejects.toThrow('not a sprint id');
    await expect(controller().review(request, 'sprint-7', '<x>')).rejects.toThrow('not a deployment id');
  });
});

describe('overview', () => {
  const pages = { overview: async () => ({ environments: [], recent: [] }) } as unknown as DashboardPages;
  const logs = {} as DeploymentLogStream;

  it('lists the latest sprints', async () => {
    const html = await new DashboardController(pages, new DashboardViews(), logs, new FixtureSprints()).overview(request);
    expect(html).toContain('<a href="/dashboard/sprints/sprint-7">Sprint 7</a>');
  });

  it('still shows when the sprints cannot be read (the JIRA board is down), and says so', async () => {
    class BoardDown extends FixtureSprints {
      override async listSprints(): Promise<SprintListEntry[]> {
        throw new Error('JIRA answered 503');
      }
    }
    const html = await new DashboardController(pages, new DashboardViews(), logs, new BoardDown()).overview(request);
    expect(html).toContain('The sprints cannot be read just now');
    expect(html).toContain('<h2>Environments</h2>');
    expect(html).not.toContain('503');
  });
});
