/**
 * The labels that let OpSprint find its issues again without its database (a sync interrupted
 * after JIRA stored an issue but before the JiraLink row was written). JIRA labels cannot hold
 * spaces, so keys are normalised.
 */
export const OPSPRINT_LABEL = 'opsprint';
export const DEPLOY_REQUEST_LABEL = 'opsprint-deploy';

export function labelPart(value: string): string {
  return value.trim().replace(/\s+/g, '-');
}

export const envLabel = (environmentName: string) => `env-${labelPart(environmentName)}`;
export const phaseLabel = (phaseKey: string) => `phase-${labelPart(phaseKey)}`;
export const storyLabel = (storyKey: string) => `story-${labelPart(storyKey)}`;

export function epicLabels(environmentName: string, phaseKey: string): string[] {
  return [OPSPRINT_LABEL, envLabel(environmentName), phaseLabel(phaseKey)];
}

export function storyLabels(environmentName: string, phaseKey: string, storyKey: string): string[] {
  return [OPSPRINT_LABEL, envLabel(environmentName), phaseLabel(phaseKey), storyLabel(storyKey)];
}

/** JiraLink.entityKey: the phase key for an epic, `<phase>/<story>` for a story (story keys are unique per phase). */
export const epicEntityKey = (phaseKey: string) => phaseKey;
export const storyEntityKey = (phaseKey: string, storyKey: string) => `${phaseKey}/${storyKey}`;

/** The value after `prefix` among `labels`, if exactly one label has it. */
export function labelValue(labels: readonly string[], prefix: string): string | null {
  const values = labels.filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length));
  return values.length === 1 ? values[0] : null;
}
