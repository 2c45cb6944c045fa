import type { CommandStep } from '../model.js';
import { shellArgs } from '../render/shell.js';
import { command } from './command.js';

/** `yum install -y …`, skipped when `rpm -q` finds every package. */
export function installPackages(...packages: string[]): CommandStep {
  if (packages.length === 0) throw new Error('installPackages needs at least one package');
  return command(`install-${packages.join('-')}`, {
    title: `Install ${packages.join(', ')}`,
    run: `yum install -y ${shellArgs(packages)}`,
    guard: `rpm -q ${shellArgs(packages)}`,
  });
}
