import { maskSecrets } from './failure-comment.js';
import { deploymentRef, escapeWiki } from './wiki-markup.js';

/** A step the drift check found no longer holding on a node. */
export interface DriftFinding {
  storyKey: string;
  stepKey: string;
  node: string;
  title: string;
  /** would_change (its check found the host not as the runbook left it) or failed (the check itself failed). */
  status: string;
  /** What the check saw, already masked; never a file's content or a hash of it. */
  note?: string;
}

export interface DriftReport {
  environmentId: string;
  environmentName: string;
  phaseKey: string;
  /** The check-mode deployment that found it. */
  deploymentId: string;
  at: string;
  /** Stories newly found drifted, with their findings. */
  stories: { storyKey: string; findings: DriftFinding[] }[];
}

/** The wiki comment on a story the drift check reopens: which steps no longer hold, on which node. */
export function driftComment(
  report: DriftReport,
  findings: DriftFinding[],
  secrets: readonly string[],
  storyIssueKey?: string,
  deploymentUrl?: string,
): string {
  const subject = storyIssueKey
    ? `its story ${storyIssueKey} no longer holds on the hosts`
    : 'what this story set up no longer holds on the hosts';
  return [
    `(!) *Reopened by OpSprint's drift check*: ${escapeWiki(subject)}.`,
    ...findings.map(
      (f) =>
        `* ${escapeWiki(f.title)} ({{${escapeWiki(f.stepKey)}}}) on node {{${escapeWiki(f.node)}}}: ${f.status === 'failed' ? 'the check failed' : 'the host differs from the runbook'}${f.note ? ` (${escapeWiki(maskSecrets(f.note, secrets)).replace(/\n/g, ' ')})` : ''}`,
    ),
    `* Check run: ${deploymentRef(report.deploymentId, deploymentUrl)} (check mode, nothing was changed), environment ${escapeWiki(report.environmentName)}, at ${escapeWiki(report.at)}`,
    'A deployment of this phase puts it right again.',
  ].join('\n');
}
