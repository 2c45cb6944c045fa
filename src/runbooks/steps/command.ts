import type { CommandStep, NodeRole, Template } from '../model.js';

export interface CommandDefinition {
  title: string;
  run: Template<string>;
  /** Probe whose exit 0 means the change is already in place. */
  guard?: Template<string>;
  on?: NodeRole;
}

export function command(key: string, definition: CommandDefinition): CommandStep {
  return { key, kind: 'command', ...definition };
}
