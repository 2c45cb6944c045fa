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

/**
 * The guard (the probe that finds the step already done) and the command, each labelled: one code
 * block per label when every node ran the same text, else one per node.
 */
function commands(runs: StepRunView[]): Content {
  return [labelled('Guard', runs, (run) => run.guard), labelled('Command', runs, (run) => run.command)];
}

function labelled(label: string, runs: StepRunView[], text: (run: StepRunView) => string | null | undefined): Content {
  const withText = runs.filter((run) => text(run));
  const distinct = new Set(withText.map(text));
  if (distinct.size === 0) return '';
  if (distinct.size === 1) {
    const nodes = withText.map((run) => run.node).join(', ');
    return code({ language: 'bash', title: `${label} — ran on ${nodes}`, body: text(withText[0]!)! });
  }
  return withText.map((run) => code({ language: 'bash', title: `${label} — ran on ${run.node}`, body: text(run)! }));
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
