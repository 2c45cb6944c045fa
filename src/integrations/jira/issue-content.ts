import type { Phase, Runbook, Story } from '../../runbooks/model.js';
import { epicLabels, storyLabels } from './jira-labels.js';
import { bulletList, escapeWiki } from './wiki-markup.js';

/** What an epic or story should look like in JIRA; compared with what is there before updating. */
export interface IssueContent {
  summary: string;
  description: string;
  labels: string[];
}

function footer(runbook: Runbook, environmentName: string): string {
  return `----\n_Managed by OpSprint: runbook ${escapeWiki(runbook.key)} v${escapeWiki(runbook.version)}, environment ${escapeWiki(environmentName)}. Edits to this description are overwritten on the next sync._`;
}

export function epicContent(runbook: Runbook, phase: Phase, environmentName: string): IssueContent {
  const stories = phase.stories.map((s) => `${s.title}${s.acceptanceCriteria.length ? `: ${s.acceptanceCriteria.join('; ')}` : ''}`);
  const description = [
    'h2. Goal',
    escapeWiki(phase.goal),
    '',
    'h2. Acceptance',
    stories.length ? bulletList(stories) : '_No stories._',
    '',
    phase.dependsOn.length ? `Depends on phases: ${escapeWiki(phase.dependsOn.join(', '))}` : 'Depends on no other phase.',
    '',
    footer(runbook, environmentName),
  ].join('\n');
  return { summary: phase.title, description, labels: epicLabels(environmentName, phase.key) };
}

export function storyContent(runbook: Runbook, phase: Phase, story: Story, environmentName: string): IssueContent {
  const description = [
    'h2. User story',
    escapeWiki(story.userStory),
    '',
    'h2. Acceptance criteria',
    story.acceptanceCriteria.length ? bulletList(story.acceptanceCriteria) : '_None stated._',
    '',
    `h2. Steps (${story.steps.length})`,
    story.steps.length ? bulletList(story.steps.map((s) => `${s.title} (${s.kind}, ${s.key})`)) : '_None._',
    '',
    footer(runbook, environmentName),
  ].join('\n');
  return { summary: story.title, description, labels: storyLabels(environmentName, phase.key, story.key) };
}
