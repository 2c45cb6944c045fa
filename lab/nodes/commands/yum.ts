import type { IFileSystem } from 'just-bash';
import { isRoot } from '../identity.js';
import { fail, ok, type LabCommandHandler, type LabCommandResult, type LabHost } from '../lab-host.js';
import { expandYumVariables, type PackageChannel, type Unreachable } from '../lab-internet.js';
import { packageSpec } from '../package-catalog.js';
import { addSystemUser } from './support.js';

/** One [section] of a .repo file as yum reads it. */
interface RepoSection {
  id: string;
  name: string;
  baseurl?: string;
  mirrorlist?: string;
  enabled: boolean;
  gpgcheck: boolean;
  gpgkey?: string;
}

const LOADED = 'Loaded plugins: fastestmirror\n';
const NOT_ROOT = fail('You need to be root to perform this command.');

function iniSections(text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      current = new Map();
      if (!sections.has(header[1]!)) sections.set(header[1]!, current);
      continue;
    }
    const eq = line.indexOf('=');
    if (current && eq > 0) current.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return sections;
}

const truthy = (value: string | undefined, fallback: boolean) => (value === undefined ? fallback : /^(1|yes|true|on)$/i.test(value));

/** The repositories of /etc/yum.repos.d/*.repo, first definition of an id winning as in yum; gpgcheck defaults from /etc/yum.conf. */
async function readRepositories(fs: IFileSystem): Promise<RepoSection[]> {
  const main = iniSections(await fs.readFile('/etc/yum.conf').catch(() => '')).get('main');
  const defaultGpgcheck = truthy(main?.get('gpgcheck'), false);
  const dir = '/etc/yum.repos.d';
  const files = (await fs.exists(dir)) ? (await fs.readdir(dir)).filter((f) => f.endsWith('.repo')).sort() : [];
  const repos = new Map<string, RepoSection>();
  for (const file of files) {
    for (const [id, keys] of iniSections(await fs.readFile(`${dir}/${file}`).catch(() => ''))) {
      if (repos.has(id)) continue;
      repos.set(id, {
        id,
        name: expandYumVariables(keys.get('name') ?? id),
        baseurl: keys.get('baseurl')?.split(/[\s,]+/)[0],
        mirrorlist: keys.get('mirrorlist') ?? keys.get('metalink'),
        enabled: truthy(keys.get('enabled'), true),
        gpgcheck: truthy(keys.get('gpgcheck'), defaultGpgcheck),
        gpgkey: keys.get('gpgkey')?.split(/[\s,]+/)[0],
      });
    }
  }
  return [...repos.values()];
}

function curlError(error: Unreachable): string {
  return error.kind === 'dns'
    ? `14: curl#6 - "Could not resolve host: ${error.host}; Unknown error"`
    : `[Errno 14] HTTPS Error 404 - Not Found`;
}

/** yum's answer when an enabled repository cannot be read: it refuses to do anything. */
function repositoryFailure(repo: RepoSection, error: Unreachable): LabCommandResult {
  if (repo.mirrorlist && !repo.baseurl) {
    return {
      stdout: `${LOADED}Determining fastest mirrors\n`,
      stderr:
        `Could not retrieve mirrorlist ${repo.mirrorlist} error was\n${curlError(error)}\n\n\n` +
        ` One of the configured repositories failed (${repo.name}),\n and yum doesn't have enough cached data to continue. At this point the only\n safe thing yum can do is fail.\n\n` +
        `Cannot find a valid baseurl for repo: ${repo.id}/7/x86_64\n`,
      exitCode: 1,
    };
  }
  return {
    stdout: LOADED,
    stderr: `${repo.baseurl?.replace(/\/?$/, '/')}repodata/repomd.xml: ${curlError(error)}\nTrying other mirror.\n\n\n One of the configured repositories failed (${repo.name}),\n and yum doesn't have enough cached data to continue.\n\nfailure: repodata/repomd.xml from ${repo.id}: [Errno 256] No more mirrors to try.\n`,
    exitCode: 1,
  };
}

interface Enabled {
  repo: RepoSection;
  channel: PackageChannel;
}

/** Every enabled repository with the package set it serves, or the failure that stops yum. */
async function enabledRepositories(host: LabHost, fs: IFileSystem): Promise<Enabled[] | LabCommandResult> {
  const enabled: Enabled[] = [];
  for (const repo of (await readRepositories(fs)).filter((r) => r.enabled)) {
    const fetched = repo.baseurl
      ? host.internet.repository(repo.baseurl)
      : repo.mirrorlist
        ? host.internet.mirrorlist(repo.mirrorlist)
        : undefined;
    if (!fetched) return fail(`Error: Cannot find a valid baseurl for repo: ${repo.id}`);
    if (!fetched.ok) return repositoryFailure(repo, fetched.error);
    enabled.push({ repo, channel: fetched.value });
  }
  return enabled;
}

/** Package name from an RPM URL or file name: ".../epel-release-7-5.noarch.rpm" → "epel-release". */
function rpmName(reference: string): string {
  if (!reference.endsWith('.rpm')) return reference;
  const file = reference.slice(reference.lastIndexOf('/') + 1);
  return file.replace(/-\d[^-]*-[^-]+\.rpm$/, '').replace(/-\d.*\.rpm$/, '');
}

const isUrl = (reference: string) => /^(https?|ftp):\/\//.test(reference);

/** Lay the package's files down on the host like rpm would (config files only when absent), with their packaged owners and modes. */
export async function installPackage(host: LabHost, name: string): Promise<void> {
  const spec = packageSpec(name);
  if (!spec) throw new Error(`unknown package ${name}`);
  for (const user of spec.users ?? []) await addSystemUser(host.fs, user, `/var/lib/${user}`);
  for (const dir of spec.dirs ?? []) await host.fs.mkdir(dir, { recursive: true });
  for (const [path, content] of Object.entries(spec.files ?? {})) {
    await host.fs.mkdir(path.slice(0, path.lastIndexOf('/')) || '/', { recursive: true });
    if (!(await host.fs.exists(path))) await host.fs.writeFile(path, content);
  }
  for (const [path, { owner, group, mode }] of Object.entries(spec.fileModes ?? {})) {
    if (!(await host.fs.exists(path))) await host.fs.mkdir(path, { recursive: true });
    host.owners.set(path, `${owner}:${group}`);
    await host.fs.chmod(path, mode);
  }
  for (const unit of spec.units ?? []) if (!host.services.has(unit)) host.services.set(unit, { enabled: false, active: false });
  host.packages.add(name);
}

/** The signing key of a repository, fetched and imported once per host, or why yum cannot. */
async function importKey(host: LabHost, fs: IFileSystem, repo: RepoSection): Promise<string | undefined> {
  if (!repo.gpgcheck) return undefined;
  if (!repo.gpgkey)
    return `Public key for the packages of ${repo.id} is not installed\n\n\nFailing package is from ${repo.id}\n GPG Keys are configured as: \n`;
  if (host.importedGpgKeys.has(repo.gpgkey)) return undefined;
  const usable = repo.gpgkey.startsWith('file://')
    ? await fs.exists(repo.gpgkey.slice('file://'.length))
    : host.internet.gpgKey(repo.gpgkey).ok;
  if (!usable) {
    const why = repo.gpgkey.startsWith('file://')
      ? `curl#37 - "Couldn't open file ${repo.gpgkey.slice('file://'.length)}"`
      : 'HTTPS Error 404 - Not Found';
    return `Retrieving key from ${repo.gpgkey}\n\n\nGPG key retrieval failed: [Errno 14] ${why}\n`;
  }
  host.importedGpgKeys.add(repo.gpgkey);
  return undefined;
}

async function install(host: LabHost, fs: IFileSystem, references: string[], assumeYes: boolean): Promise<LabCommandResult> {
  const repos = await enabledRepositories(host, fs);
  if (!Array.isArray(repos)) return repos;
  const notes: string[] = [];
  const wanted: { name: string; from?: Enabled }[] = [];
  for (const reference of references) {
    if (isUrl(reference)) {
      const download = host.internet.download(reference);
      const name = rpmName(reference);
      if (!download.ok || !packageSpec(name)) notes.push(`Cannot open: ${reference}. Skipping.`);
      else wanted.push({ name });
      continue;
    }
    const spec = packageSpec(reference);
    const from = spec && repos.find((r) => r.channel === spec.channel);
    if (host.packages.has(reference)) notes.push(`Package ${reference}-${spec?.version ?? ''} already installed and latest version`);
    else if (!from) notes.push(`No package ${reference} available.`);
    else wanted.push({ name: reference, from });
  }
  // Dependencies first, each from a repository that serves it.
  const order: { name: string; from?: Enabled }[] = [];
  const missing: string[] = [];
  const visit = (item: { name: string; from?: Enabled }, by?: string) => {
    if (host.packages.has(item.name) || order.some((o) => o.name === item.name)) return;
    const spec = packageSpec(item.name)!;
    for (const dep of spec.requires ?? []) {
      const depSpec = packageSpec(dep);
      const from = depSpec && repos.find((r) => r.channel === depSpec.channel);
      if (!from && !host.packages.has(dep))
        missing.push(
          `Error: Package: ${item.name}-${spec.version} (${by ?? item.from?.repo.id ?? 'installed'})\n           Requires: ${dep}`,
        );
      else visit({ name: dep, from }, item.from?.repo.id);
    }
    order.push(item);
  };
  for (const item of wanted) visit(item);
  const head = `${LOADED}${notes.map((n) => `${n}\n`).join('')}`;
  if (missing.length > 0) {
    return {
      stdout: `${head}Resolving Dependencies\n`,
      stderr: `${missing.join('\n')}\n You could try using --skip-broken to work around the problem\n`,
      exitCode: 1,
    };
  }
  if (order.length === 0) {
    const nothing = wanted.length === 0 && notes.some((n) => !n.includes('already installed'));
    return nothing ? { stdout: head, stderr: 'Error: Nothing to do\n', exitCode: 1 } : ok(`${head}Nothing to do\n`);
  }
  if (!assumeYes)
    return { stdout: `${head}Is this ok [y/d/N]: `, stderr: 'Exiting on user command\nYour transaction was saved\n', exitCode: 1 };
  for (const item of order) {
    const refused = item.from ? await importKey(host, fs, item.from.repo) : undefined;
    if (refused) return { stdout: head, stderr: refused, exitCode: 1 };
  }
  for (const item of order) await installPackage(host, item.name);
  const installed = order.map((item) => `  ${item.name}.${packageSpec(item.name)!.version}`).join('\n');
  return ok(`${head}Resolving Dependencies\n--> Running transaction check\n\nInstalled:\n${installed}\n\nComplete!\n`);
}

async function repolist(host: LabHost, fs: IFileSystem, which: string, quiet: boolean): Promise<LabCommandResult> {
  const all = await readRepositories(fs);
  const enabled = await enabledRepositories(host, fs);
  if (!Array.isArray(enabled)) return enabled;
  const shown = all.filter((r) => (which === 'all' ? true : which === 'disabled' ? !r.enabled : r.enabled));
  const rows = shown.map(
    (r) => `${`${r.id}${r.enabled ? '/7/x86_64' : ''}`.padEnd(42)}${r.name.padEnd(44)}${r.enabled ? '1,024' : 'disabled'}`,
  );
  const table = `${'repo id'.padEnd(42)}${'repo name'.padEnd(44)}status\n${rows.map((r) => `${r}\n`).join('')}`;
  return ok(quiet ? table : `${LOADED}Loading mirror speeds from cached hostfile\n${table}repolist: ${1024 * enabled.length}\n`);
}

export const yum: LabCommandHandler = async (args, { host, fs }) => {
  const assumeYes = args.includes('-y') || args.includes('--assumeyes');
  const quiet = args.includes('-q') || args.includes('--quiet');
  const words = args.filter((a) => !a.startsWith('-'));
  const [verb, ...rest] = words;
  switch (verb) {
    case 'install':
      if (!isRoot()) return NOT_ROOT;
      if (rest.length === 0) return fail('Error: Need to pass a list of pkgs to install');
      return install(host, fs, rest, assumeYes);
    case 'repolist':
      return repolist(host, fs, rest[0] ?? 'enabled', quiet);
    case 'clean':
      if (!isRoot()) return NOT_ROOT;
      return ok(
        `${LOADED}Cleaning repos: ${(await readRepositories(fs))
          .filter((r) => r.enabled)
          .map((r) => r.id)
          .join(' ')}\n`,
      );
    case 'makecache': {
      if (!isRoot()) return NOT_ROOT;
      const repos = await enabledRepositories(host, fs);
      return Array.isArray(repos) ? ok(`${LOADED}Metadata Cache Created\n`) : repos;
    }
    case 'update': {
      if (!isRoot()) return NOT_ROOT;
      const repos = await enabledRepositories(host, fs);
      return Array.isArray(repos) ? ok(`${LOADED}No packages marked for update\n`) : repos;
    }
    case 'remove':
    case 'erase':
      if (!isRoot()) return NOT_ROOT;
      for (const name of rest) {
        host.packages.delete(name);
        for (const unit of packageSpec(name)?.units ?? []) host.services.delete(unit);
      }
      return ok(`${LOADED}Complete!\n`);
    default:
      return fail(`No such command: ${verb ?? ''}. Please use /usr/bin/yum --help`);
  }
};

export const rpm: LabCommandHandler = async (args, { host }) => {
  const flags = args.filter((a) => a.startsWith('-')).join('');
  const names = args.filter((a) => !a.startsWith('-'));
  if (/[iU]/.test(flags) && !flags.includes('q')) {
    if (!isRoot()) return fail("error: can't create transaction lock on /var/lib/rpm/.rpm.lock (Permission denied)");
    for (const reference of names) {
      const download = isUrl(reference) ? host.internet.download(reference) : undefined;
      if (!download?.ok || !packageSpec(rpmName(reference))) {
        const reason =
          download && !download.ok && download.error.kind === 'dns'
            ? `(6) Could not resolve host: ${download.error.host}`
            : '(22) The requested URL returned error: 404 Not Found';
        return fail(`curl: ${reason}\nerror: skipping ${reference} - transfer failed`);
      }
      await installPackage(host, rpmName(reference));
    }
    return ok();
  }
  if (!flags.includes('q')) return fail('rpm: only queries (-q) and installs (-i, -U) are supported in the lab');
  const describe = (name: string) => `${name}-${packageSpec(name)?.version ?? 'unknown'}`;
  if (flags.includes('a')) return ok(`${[...host.packages].sort().map(describe).join('\n')}\n`);
  if (names.length === 0) return fail('rpm: no arguments given for query');
  const lines = names.map((name) => (host.packages.has(name) ? describe(name) : `package ${name} is not installed`));
  const missing = names.filter((name) => !host.packages.has(name)).length;
  return { stdout: `${lines.join('\n')}\n`, stderr: '', exitCode: missing };
};
