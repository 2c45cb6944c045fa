import type { Story } from '../../../runbooks/model.js';
import {
  type Content,
  type Markup,
  code,
  em,
  fragment,
  h,
  info,
  jiraIssue,
  p,
  pageLink,
  strong,
  table,
  ul,
  warning,
} from '../storage/index.js';
import { between, codeLanguage, formatDuration, formatTimestamp, phaseLozenge, stepLozenge, tail } from './format.js';
import type { PhasePageData, StepRunView } from './page-data.js';
import { storySections } from './phase-steps.js';

/** One phase as it ran in this environment: goal, nodes, each story's commands, files and checks, timings, failures. */
export function buildPhasePage(data: PhasePageData): string {
  const failures = data.steps.filter((step) => step.status === 'failed');
  return fragment(
    info(
      fragment(
        p(strong('Goal: '), data.phase.goal),
        p(
          'Status: ',
          phaseLozenge(data.status),
          data.epicKey ? fragment(' · JIRA epic: ', jiraIssue(data.epicKey, data.jiraBaseUrl)) : '',
          ' · Deployment ',
          data.deployment.id,
          ` · ${formatTimestamp(data.startedAt)} → ${formatTimestamp(data.finishedAt)} (${formatDuration(between(data.startedAt, data.finishedAt))})`,
        ),
        p('Part of ', pageLink(data.rootTitle), '.'),
      ),
    ),
    failures.length ? failurePanels(failures, data.error) : '',
    h(2, 'Nodes'),
    table(
      ['Node', 'Roles', 'Management IP'],
      data.nodes.map((node) => [node.name, node.roles.join(', '), node.managementIp]),
    ),
    data.phase.stories.map((story) => storySection(data, story)),
    otherEvidence(data),
    h(2, 'Timings per node'),
    timingsTable(data),
  ).xml;
}

function storySection(data: PhasePageData, story: Story): Content {
  const issueKey = data.storyIssueKeys[story.key];
  return [
    h(2, story.title, issueKey ? fragment(' (', jiraIssue(issueKey, data.jiraBaseUrl), ')') : ''),
    p(em(story.userStory)),
    story.acceptanceCriteria.length ? fragment(p(strong('Acceptance criteria')), ul(story.acceptanceCriteria)) : '',
    storySections(data, story),
  ];
}

/** Evidence whose step is not in this runbook version still belongs on the page. */
function otherEvidence(data: PhasePageData): Content {
  const ran = new Set(data.steps.map((step) => `${step.storyKey}/${step.stepKey}`));
  const stray = (item: { storyKey?: string; stepKey?: string }) => !ran.has(`${item.storyKey}/${item.stepKey}`);
  const files = data.files.filter(stray);
  const tables = data.tables.filter(stray);
  if (files.length + tables.length === 0) return '';
  return [
    h(2, 'Other evidence'),
    files.map((file) => code({ language: codeLanguage(file.language), title: `${file.path} (${file.node})`, body: file.content })),
    tables.map((evidence) =>
      fragment(
        p(strong(`${evidence.name} (${evidence.node})`)),
        table(
          evidence.columns,
          evidence.rows.map((row) => evidence.columns.map((column) => row[column] ?? '')),
        ),
      ),
    ),
  ];
}

function timingsTable(data: PhasePageData): Markup {
  const stories = new Map(data.phase.stories.map((story) => [story.key, story.title]));
  const ordered = [...data.steps].sort((a, b) => a.node.localeCompare(b.node) || a.position - b.position);
  return table(
    ['Node', 'Story', 'Step', 'Status', 'Exit code', 'Started', 'Duration'],
    ordered.map((step) => [
      step.node,
      stories.get(step.storyKey) ?? step.storyKey,
      step.title,
      stepLozenge(step.status),
      step.exitCode === null || step.exitCode === undefined ? '—' : String(step.exitCode),
      formatTimestamp(step.startedAt),
      formatDuration(step.durationMs),
    ]),
  );
}

function failurePanels(failures: StepRunView[], phaseError?: string | null): Content {
  return failures.map((step) =>
    warning(
      fragment(
        p(`Step "${step.title}" failed on ${step.node} with exit code ${step.exitCode ?? 'unknown'}.`),
        phaseError ? p(phaseError) : '',
        step.guard ? code({ language: 'bash', title: 'Guard', body: step.guard }) : '',
        step.command ? code({ language: 'bash', title: 'Command', body: step.command }) : '',
        step.stderr ? code({ language: codeLanguage('text'), title: 'stderr (tail)', body: tail(step.stderr) }) : '',
        step.stdout ? code({ language: codeLanguage('text'), title: 'stdout (tail)', body: tail(step.stdout) }) : '',
      ),
      `Failed: ${step.title} on ${step.node}`,
    ),
  );
}
