import type { NodeRole, Phase, Step, Story } from '../model.js';

type StepInput = Step | Step[];

export interface StoryDefinition {
  title: string;
  userStory: string;
  acceptanceCriteria: string[];
  steps: StepInput[];
}

/** A story; builders that expand to several steps (registerService) are flattened in place. */
export function story(key: string, definition: StoryDefinition): Story {
  return { key, ...definition, steps: definition.steps.flat() };
}

export interface PhaseDefinition {
  title: string;
  goal: string;
  dependsOn: string[];
  on: NodeRole | NodeRole[];
  stories: Story[];
}

export function phase(key: string, definition: PhaseDefinition): Phase {
  const on = Array.isArray(definition.on) ? definition.on : [definition.on];
  return { key, ...definition, on };
}

/** Run steps on another role than their phase's (e.g. verify compute work from the controller). */
export function runOn<T extends Step>(role: NodeRole, steps: T[]): T[] {
  return steps.map((step) => ({ ...step, on: role }));
}

/** Give a built step a different ledger key (when the same builder is used twice in one phase). */
export function withKey<T extends Step>(key: string, step: T): T {
  return { ...step, key };
}
