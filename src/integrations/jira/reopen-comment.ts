import type { DeploymentEvent } from '../../infra/events/deployment-events.js';
import { maskSecrets } from './failure-comment.js';
import { deploymentRef, escapeWiki } from './wiki-markup.js';

type StoryStarted = Extract<DeploymentEvent, { type: 'story.started' }>;

/**
 * The wiki comment left on a Done story (or epic) that a deployment reopens: JIRA itself says why
 * it moved (which step, on which node, what it changes), so nobody has to ask OpSprint.
 */
export function reopenComment(event: StoryStarted, secrets: readonly string[], storyIssueKey?: string, deploymentUrl?: string): string {
  const subject = storyIssueKey ? `its story ${storyIssueKey} has work again` : 'a deployment changes what this story had done';
  return [
    `(!) *Reopened by OpSprint*: ${escapeWiki(subject)}.`,
    `* Step: ${escapeWiki(event.stepTitle)} ({{${escapeWiki(event.stepKey)}}}) on node {{${escapeWiki(event.node)}}}`,
    `* What changed: ${escapeWiki(maskSecrets(event.change, secrets)).replace(/\n/g, ' ')}`,
    `* Deployment: ${deploymentRef(event.deploymentId, deploymentUrl)}, environment ${escapeWiki(event.environmentName)}, at ${escapeWiki(event.at)}`,
  ].join('\n');
}

/** The one comment an unchanged deployment requested from JIRA leaves on its request issue. */
export function inPlaceComment(
  event: Extract<DeploymentEvent, { type: 'deployment.finished' }>,
  stepsChecked: number,
  deploymentUrl?: string,
): string {
  return [
    `(/) *OpSprint found everything in place*: ${stepsChecked} steps checked, nothing changed on any node.`,
    `* Deployment: ${deploymentRef(event.deploymentId, deploymentUrl)}, environment ${escapeWiki(event.environmentName)}, at ${escapeWiki(event.at)}`,
  ].join('\n');
}
