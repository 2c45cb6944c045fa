import type { Story } from '../../../runbooks/model.js';
import { type Content, code, fragment, h, p, strong, table } from '../storage/index.js';
import { codeLanguage, stepLozenge } from './format.js';
import type { FileArtifactView, PhasePageData, StepRunView, TableArtifactView } from './page-data.js';

/** The steps of one story, in runbook order, each with its runs on every node and its evidence. */
export function storySections(data: PhasePageData, story: Story): Content {
  const runs = data.steps.filter((step) => step.storyKey === story.key);
  if (runs.length === 0) return p(strong('Not run in this deployment.'));
  const known = story.steps.map((step) => step.key);
  const extra = [...new Set(runs.map((run) => run.stepKey))].filter((key) => !known.includes(key));
  return [...known, ...extra].map((stepKey) => {
    const stepRuns = runs.filter((run) => run.stepKey === stepKey);
    if (stepRuns.length === 0) return '';
    const files = data.files.filter((file) => file.storyKey === story.key && file.stepKey === stepKey);
    const tables = data.tables.filter((candidate) => candidate.storyKey === story.key && candidate.stepKey === stepKey);
    return stepSection(stepRuns, files, tables);
  });
}

function stepSection(runs: StepRunView[], files: FileArtifactView[], tables: TableArtifactView[]): Content {
  const first = runs[0]!;
  return [
    h(
      3,
      first.title,
      ' ',
      runs.map((run) => fragment(stepLozenge(run.status), runs.length > 1 ? ` ${run.node} ` : '')),
    ),
    commands(runs),
    files.map((file) => code({ language: codeLanguage(file.language), title: titled(file.path, file.node, files), body: file.content })),
    tables.map((evidence) =>
      fragment(p(strong(titled(evidence.name, evidence.node, tables))), verificationTable(evidence), expectationsTable(evidence)),
    ),
  ];
}

/** One code block when every node ran the same command, else one per node. */
function commands(runs: StepRunView[]): Content {
  const withCommand = runs.filter((run) => run.command);
  const distinct = new Set(withCommand.map((run) => run.command));
  if (distinct.size === 0) return '';
  if (distinct.size === 1) {
    const nodes = withCommand.map((run) => run.node).join(', ');
    return code({ language: 'bash', title: `Ran on ${nodes}`, body: withCommand[0]!.command! });
  }
  return withCommand.map((run) => code({ language: 'bash', title: `Ran on ${run.node}`, body: run.command! }));
}

function titled(name: string, node: string, all: Array<{ node: string }>): string {
  return new Set(all.map((item) => item.node)).size > 1 ? `${name} (${node})` : name;
}

function verificationTable(evidence: TableArtifactView): Content {
  if (evidence.rows.length === 0) return p('(no rows)');
  return table(
    evidence.columns,
    evidence.rows.map((row) => evidence.columns.map((column) => row[column] ?? '')),
  );
}

/** What the verify step checked against the table above and each outcome (text is escaped by the table builder). */
function expectationsTable(evidence: TableArtifactView): Content {
  const outcomes = evidence.expectations ?? [];
  if (outcomes.length === 0) return '';
  return table(
    ['Expectation', 'Expected', 'Actual', 'Result'],
    outcomes.map((outcome) => [outcome.name, outcome.expected, outcome.actual, outcome.passed ? 'pass' : 'FAIL']),
  );
}
