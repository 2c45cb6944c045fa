import { openstackLiberty } from '../../../runbooks/openstack-liberty/index.js';
import {
  attributesOf,
  childrenOf,
  findAll,
  macroParameters,
  parseStorage,
  tableRows,
  textOf,
} from '../../../../lab/atlassian/confluence/storage-xml.js';
import type { PhasePageData, StepRunView } from './page-data.js';
import { buildPhasePage } from './phase.page.js';
import { buildRunbookRootPage } from './runbook-root.page.js';

const HOSTILE = `<script>alert(1)</script> & "q" ]]> end`;
const deployment = {
  id: 'd-1',
  status: 'failed',
  trigger: 'api',
  requester: HOSTILE,
  dryRun: false,
  phases: ['keystone'],
  runbookVersion: '1',
  createdAt: new Date(0),
};
const keystone = openstackLiberty.phases.find((phase) => phase.key === 'keystone')!;
const firstStory = keystone.stories[0]!;
const firstStep = firstStory.steps[0]!;

function run(overrides: Partial<StepRunView>): StepRunView {
  return {
    storyKey: firstStory.key,
    stepKey: firstStep.key,
    position: 0,
    node: 'node-a',
    kind: 'command',
    title: firstStep.title,
    status: 'changed',
    exitCode: 0,
    durationMs: 1500,
    ...overrides,
  };
}

function pageData(overrides: Partial<PhasePageData>): PhasePageData {
  return {
    environment: 'lab',
    phase: keystone,
    status: 'failed',
    rootTitle: 'lab — OpenStack runbook',
    deployment,
    storyIssueKeys: {},
    nodes: [],
    steps: [],
    files: [],
    tables: [],
    ...overrides,
  };
}

const macros = (xml: string, name: string) =>
  findAll(parseStorage(xml), 'ac:structured-macro').filter((macro) => attributesOf(macro)['ac:name'] === name);

describe('page builders', () => {
  it('builds a well-formed page for every phase of the real runbook, even before anything ran', () => {
    for (const phase of openstackLiberty.phases) {
      const xml = buildPhasePage(pageData({ phase, status: 'not_run' }));
      const text = textOf(parseStorage(xml));
      expect(text).toContain(phase.goal);
      for (const story of phase.stories) expect(text).toContain(story.userStory);
    }
  });

  it('keeps hostile commands, output and files verbatim inside code blocks and warnings', () => {
    const xml = buildPhasePage(
      pageData({
        steps: [
          run({ node: 'node-a', command: `echo '${HOSTILE}'`, guard: `test '${HOSTILE}'` }),
          run({ node: 'node-b', command: `echo other`, status: 'failed', exitCode: 2, stderr: `${HOSTILE}\n`.repeat(40) }),
        ],
        files: [
          {
            storyKey: firstStory.key,
            stepKey: firstStep.key,
            node: 'node-a',
            path: '/etc/x.conf',
            language: 'ini',
            content: `a = ${HOSTILE}\n`,
          },
        ],
        error: HOSTILE,
      }),
    );
    const code = macros(xml, 'code').map((macro) => ({
      ...macroParameters(macro),
      body: textOf(findAll(childrenOf(macro), 'ac:plain-text-body')),
    }));
    expect(code).toEqual(
      expect.arrayContaining([
        { language: 'bash', title: 'Guard — ran on node-a', body: `test '${HOSTILE}'` },
        { language: 'bash', title: 'Command — ran on node-a', body: `echo '${HOSTILE}'` },
        { language: 'bash', title: 'Command — ran on node-b', body: 'echo other' },
        { language: 'ini', title: '/etc/x.conf', body: `a = ${HOSTILE}\n` },
      ]),
    );
    const [failure] = macros(xml, 'warning');
    expect(macroParameters(failure!).title).toBe(`Failed: ${firstStep.title} on node-b`);
    const tail = textOf(failure!);
    expect(tail).toContain('(10 earlier lines)');
    expect(tail).toContain(HOSTILE);
    expect(findAll(parseStorage(xml), 'script')).toHaveLength(0);
  });

  it('puts verification rows in a table with the columns in order', () => {
    const xml = buildPhasePage(
      pageData({
        steps: [run({})],
        tables: [
          {
            storyKey: firstStory.key,
            stepKey: firstStep.key,
            node: 'node-a',
            name: 'openstack user list',
            columns: ['ID', 'Name'],
            rows: [
              { Name: 'admin', ID: '1' },
              { Name: HOSTILE, ID: '2' },
            ],
          },
        ],
      }),
    );
    const table = findAll(parseStorage(xml), 'table')
      .map(tableRows)
      .find((rows) => rows[0]?.join() === 'ID,Name');
    expect(table).toEqual([
      ['ID', 'Name'],
      ['1', 'admin'],
      ['2', HOSTILE],
    ]);
  });

  it('escapes data on the root page and marks phases that never ran in grey', () => {
    const xml = buildRunbookRootPage({
      environment: HOSTILE,
      runbookTitle: openstackLiberty.title,
      nodes: [{ name: HOSTILE, roles: ['controller'], managementIp: '10.0.0.1' }],
      phases: openstackLiberty.phases.map((phase) => ({ key: phase.key, title: phase.title, status: 'not_run' as const, nodes: [] })),
      lastDeployment: deployment,
    });
    const lozenges = macros(xml, 'status').map(macroParameters);
    expect(lozenges.slice(0, openstackLiberty.phases.length).every((p) => p.colour === 'Grey' && p.title === 'Not run')).toBe(true);
    expect(textOf(parseStorage(xml))).toContain(HOSTILE);
    expect(findAll(parseStorage(xml), 'ri:page')).toHaveLength(0);
  });
});
