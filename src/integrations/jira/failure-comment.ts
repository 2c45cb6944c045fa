import type { DeploymentEvent } from '../../infra/events/deployment-events.js';
import { deploymentRef, escapeWiki, noformat } from './wiki-markup.js';

type StoryFailed = Extract<DeploymentEvent, { type: 'story.failed' }>;

export const MASK = '********';

/**
 * Replaces every secret value in `text`. The engine masks output tails already; this is the
 * second lock, because a comment in JIRA is read by far more people than the logs.
 * Longest first, so a secret containing another is masked whole.
 */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  const values = [...new Set(secrets.filter((s) => s.length >= 3))].sort((a, b) => b.length - a.length);
  return values.reduce((masked, value) => masked.split(value).join(MASK), text);
}

/** The wiki comment left on a story whose step failed. */
/** `deploymentUrl`: its dashboard page, when PUBLIC_URL gives one. */
export function failureComment(event: StoryFailed, secrets: readonly string[], deploymentUrl?: string): string {
  const exit = event.exitCode === null ? 'none (the step was killed or timed out)' : `*${event.exitCode}*`;
  const tail = maskSecrets(event.outputTail, secrets).trimEnd() || '(no output)';
  return [
    `(x) *OpSprint deployment failed* on node {{${escapeWiki(event.node)}}}`,
    `* Step: ${escapeWiki(event.stepTitle)} ({{${escapeWiki(event.stepKey)}}})`,
    `* Exit code: ${exit}`,
    `* Deployment: ${deploymentRef(event.deploymentId, deploymentUrl)}, environment ${escapeWiki(event.environmentName)}, at ${escapeWiki(event.at)}`,
    '',
    'Last lines of output:',
    noformat(maskSecrets(tail, secrets)),
  ].join('\n');
}
