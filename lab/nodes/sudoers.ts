import type { IFileSystem } from 'just-bash';

/**
 * The part of sudo's policy the lab evaluates, read from the node's /etc/sudoers and the files of
 * its `#includedir` (as visudo would accept them): `user|%group HOST=(RUNAS) [NOPASSWD:] ALL` rules
 * and `Defaults[:user] [!]requiretty`. Commands other than ALL are not modelled.
 */
export interface SudoDecision {
  allowed: boolean;
  /** What sudo prints when it refuses (exit status 1). */
  message?: string;
}

interface Rule {
  who: string;
  nopasswd: boolean;
}

interface Policy {
  rules: Rule[];
  requiretty: boolean;
  /** Per-user `Defaults:<user> [!]requiretty`. */
  userRequiretty: Map<string, boolean>;
}

async function readPolicy(fs: IFileSystem): Promise<Policy> {
  const policy: Policy = { rules: [], requiretty: false, userRequiretty: new Map() };
  const visit = async (path: string) => {
    const text = await fs.readFile(path).catch(() => '');
    for (const raw of text.split('\n')) {
      const line = raw.trim();
      const include = /^#includedir\s+(\S+)$/.exec(line);
      if (include) {
        const dir = include[1]!;
        // sudo skips files whose name ends in ~ or contains a dot.
        const files = (await fs.exists(dir)) ? (await fs.readdir(dir)).filter((f) => !f.endsWith('~') && !f.includes('.')) : [];
        for (const file of files.sort()) await visit(`${dir}/${file}`);
        continue;
      }
      if (!line || line.startsWith('#')) continue;
      const defaults = /^Defaults(?::(\S+))?\s+(.*)$/.exec(line);
      if (defaults) {
        for (const option of defaults[2]!.split(',').map((o) => o.trim())) {
          if (option !== 'requiretty' && option !== '!requiretty') continue;
          if (defaults[1]) policy.userRequiretty.set(defaults[1], option === 'requiretty');
          else policy.requiretty = option === 'requiretty';
        }
        continue;
      }
      const rule = /^(%?[A-Za-z0-9_.-]+)\s+\S+\s*=\s*(\([^)]*\)\s*)?(NOPASSWD:\s*)?(.+)$/.exec(line);
      if (rule && rule[4]!.trim() === 'ALL') policy.rules.push({ who: rule[1]!, nopasswd: rule[3] !== undefined });
    }
  };
  await visit('/etc/sudoers');
  return policy;
}

async function groupsOf(fs: IFileSystem, user: string): Promise<Set<string>> {
  const passwd = (await fs.readFile('/etc/passwd').catch(() => '')).split('\n');
  const gid = passwd.find((l) => l.split(':')[0] === user)?.split(':')[3];
  const groups = new Set<string>();
  for (const line of (await fs.readFile('/etc/group').catch(() => '')).split('\n')) {
    const [name = '', , id = '', members = ''] = line.split(':');
    if (id === gid || members.split(',').includes(user)) groups.add(name);
  }
  return groups;
}

/** Whether `user` may run a command as root through `sudo` (with -n: without a password prompt) on a session with or without a terminal. */
export async function sudoDecision(
  fs: IFileSystem,
  user: string,
  options: { nonInteractive: boolean; tty: boolean },
): Promise<SudoDecision> {
  if (user === 'root') return { allowed: true };
  const policy = await readPolicy(fs);
  const requiretty = policy.userRequiretty.get(user) ?? policy.requiretty;
  if (requiretty && !options.tty) return { allowed: false, message: 'sudo: sorry, you must have a tty to run sudo' };
  const groups = await groupsOf(fs, user);
  const rules = policy.rules.filter((r) => r.who === user || (r.who.startsWith('%') && groups.has(r.who.slice(1))));
  if (rules.some((r) => r.nopasswd)) return { allowed: true };
  // sudo asks for the password before it tells a user without any rule that it is not allowed.
  if (options.nonInteractive) return { allowed: false, message: 'sudo: a password is required' };
  if (!options.tty) return { allowed: false, message: 'sudo: no tty present and no askpass program specified' };
  return {
    allowed: false,
    message: rules.length ? 'sudo: 1 incorrect password attempt' : `${user} is not in the sudoers file.  This incident will be reported.`,
  };
}
