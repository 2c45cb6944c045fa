import type { CommandStep } from '../model.js';
import { shellArgs, shellQuote } from '../render/shell.js';
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

/** Install an RPM from a URL (the seed's EPEL release); the guard asks rpm for the package name. */
export function installPackageFromUrl(name: string, url: string): CommandStep {
  return command(`install-${name}`, {
    title: `Install ${name} from ${url}`,
    run: `yum install -y ${shellQuote(url)}`,
    guard: `rpm -q ${shellQuote(name)}`,
  });
}
