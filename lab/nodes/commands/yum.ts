import { fail, ok, type LabCommandHandler, type LabHost } from '../lab-host.js';
import { packageSpec } from '../package-catalog.js';
import { addSystemUser } from './support.js';

/** Package name from an RPM URL or file name: ".../epel-release-7-5.noarch.rpm" → "epel-release". */
function rpmName(reference: string): string {
  if (!reference.endsWith('.rpm')) return reference;
  const file = reference.slice(reference.lastIndexOf('/') + 1);
  return file.replace(/-\d[^-]*-[^-]+\.rpm$/, '').replace(/-\d.*\.rpm$/, '');
}

/** Everything `names` pulls in, dependencies first, without what is already installed. */
function resolve(host: LabHost, names: string[]): string[] {
  const order: string[] = [];
  const visit = (name: string) => {
    if (host.packages.has(name) || order.includes(name)) return;
    for (const dep of packageSpec(name)?.requires ?? []) visit(dep);
    order.push(name);
  };
  names.forEach(visit);
  return order;
}

/** Lay the package's files down on the host like rpm would (config files only when absent). */
export async function installPackage(host: LabHost, name: string): Promise<void> {
  const spec = packageSpec(name);
  if (!spec) throw new Error(`unknown package ${name}`);
  for (const user of spec.users ?? []) await addSystemUser(host.fs, user, `/var/lib/${user}`);
  for (const dir of spec.dirs ?? []) await host.fs.mkdir(dir, { recursive: true });
  for (const [path, content] of Object.entries(spec.files ?? {})) {
    await host.fs.mkdir(path.slice(0, path.lastIndexOf('/')) || '/', { recursive: true });
    if (!(await host.fs.exists(path))) await host.fs.writeFile(path, content);
  }
  for (const unit of spec.units ?? []) if (!host.services.has(unit)) host.services.set(unit, { enabled: false, active: false });
  host.packages.add(name);
}

async function install(host: LabHost, references: string[], assumeYes: boolean) {
  const names = references.map(rpmName);
  const unknown = names.filter((name) => !packageSpec(name));
  if (unknown.length > 0) {
    const lines = unknown.map((name) => `No package ${name} available.`).join('\n');
    return { stdout: `Loaded plugins: fastestmirror\n${lines}\n`, stderr: 'Error: Nothing to do\n', exitCode: 1 };
  }
  const todo = resolve(host, names);
  if (todo.length === 0) {
    const lines = names.map((name) => `Package ${name}-${packageSpec(name)!.version} already installed and latest version`);
    return ok(`Loaded plugins: fastestmirror\n${lines.join('\n')}\nNothing to do\n`);
  }
  if (!assumeYes) return { stdout: 'Is this ok [y/d/N]: ', stderr: 'Exiting on user command\nYour transaction was saved\n', exitCode: 1 };
  for (const name of todo) await installPackage(host, name);
  const installed = todo.map((name) => `  ${name}.${packageSpec(name)!.version}`).join('\n');
  return ok(
    `Loaded plugins: fastestmirror\nResolving Dependencies\n--> Running transaction check\n\nInstalled:\n${installed}\n\nComplete!\n`,
  );
}

export const yum: LabCommandHandler = async (args, { host }) => {
  const assumeYes = args.includes('-y') || args.includes('--assumeyes');
  const words = args.filter((a) => !a.startsWith('-'));
  const [verb, ...rest] = words;
  switch (verb) {
    case 'install':
      if (rest.length === 0) return fail('Error: Need to pass a list of pkgs to install');
      return install(host, rest, assumeYes);
    case 'clean':
    case 'makecache':
      return ok('Loaded plugins: fastestmirror\n');
    case 'update':
      return ok('Loaded plugins: fastestmirror\nNo packages marked for update\n');
    case 'remove':
    case 'erase':
      for (const name of rest) {
        host.packages.delete(name);
        for (const unit of packageSpec(name)?.units ?? []) host.services.delete(unit);
      }
      return ok('Loaded plugins: fastestmirror\nComplete!\n');
    default:
      return fail(`No such command: ${verb ?? ''}. Please use /usr/bin/yum --help`);
  }
};

export const rpm: LabCommandHandler = async (args, { host }) => {
  const flags = args.filter((a) => a.startsWith('-')).join('');
  const names = args.filter((a) => !a.startsWith('-'));
  if (!flags.includes('q')) return fail('rpm: only queries (-q) are supported in the lab');
  const describe = (name: string) => `${name}-${packageSpec(name)?.version ?? 'unknown'}`;
  if (flags.includes('a')) return ok(`${[...host.packages].sort().map(describe).join('\n')}\n`);
  if (names.length === 0) return fail('rpm: no arguments given for query');
  const lines = names.map((name) => (host.packages.has(name) ? describe(name) : `package ${name} is not installed`));
  const missing = names.filter((name) => !host.packages.has(name)).length;
  return { stdout: `${lines.join('\n')}\n`, stderr: '', exitCode: missing };
};
