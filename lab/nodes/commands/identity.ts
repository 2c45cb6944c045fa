import { fail, ok, type LabCommandHandler } from '../lab-host.js';
import { SHELL_PID } from '../centos-layout.js';
import { currentIdentity, isRoot, runAs } from '../identity.js';
import { sudoDecision } from '../sudoers.js';
import { readGroups, readPasswd, shellQuote } from './support.js';

/** getent passwd|group NAME: the /etc line, exit 2 when absent. */
export const getent: LabCommandHandler = async (args, { fs }) => {
  const [database, key] = args;
  if (database !== 'passwd' && database !== 'group') return fail(`Unknown database: ${database ?? ''}`);
  const lines = (await fs.readFile(`/etc/${database}`)).split('\n').filter(Boolean);
  const matches = lines.filter((line) => key === undefined || line.split(':')[0] === key || line.split(':')[2] === key);
  return matches.length ? ok(`${matches.join('\n')}\n`) : { stdout: '', stderr: '', exitCode: 2 };
};

/** kill: the node's only process is its shell (SHELL_PID); stopping a step is done by closing its channel. */
export const kill: LabCommandHandler = async (args) => {
  let operands = [...args];
  if (operands[0] === '-s' || operands[0] === '-n') operands = operands.slice(2);
  else if (operands[0]?.startsWith('-') && operands[0] !== '--') operands = operands.slice(1);
  if (operands[0] === '--') operands = operands.slice(1);
  if (operands.length === 0) return fail('kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]', 2);
  const unknown = operands.filter((operand) => Math.abs(Number(operand)) !== SHELL_PID);
  if (unknown.length) return fail(unknown.map((id) => `bash: kill: (${id}) - No such process`).join('\n'));
  return ok();
};

export const whoami: LabCommandHandler = async () => ok(`${currentIdentity().user}\n`);

export const id: LabCommandHandler = async (args, { fs }) => {
  const flags = args.filter((a) => a.startsWith('-')).join('');
  const name = args.find((a) => !a.startsWith('-')) ?? currentIdentity().user;
  const user = (await readPasswd(fs)).find((u) => u.name === name);
  if (!user) return fail(`id: ${name}: no such user`);
  const names = flags.includes('n');
  if (flags.includes('u')) return ok(`${names ? user.name : user.uid}\n`);
  if (flags.includes('g')) return ok(`${names ? user.name : user.gid}\n`);
  return ok(`uid=${user.uid}(${user.name}) gid=${user.gid}(${user.name}) groups=${user.gid}(${user.name})\n`);
};

/**
 * sudo [-n] [-H] [-E] [-u user] command: the node's sudoers policy decides (a password prompt,
 * which nobody can answer over the executor's channels, fails cleanly, as does requiretty without
 * a terminal); the command runs as the target user with the environment reset.
 */
export const sudo: LabCommandHandler = async (args, ctx) => {
  let i = 0;
  let target = 'root';
  let nonInteractive = false;
  while (i < args.length && args[i]!.startsWith('-')) {
    if (args[i] === '--') {
      i++;
      break;
    }
    if (args[i] === '-u') target = args[++i] ?? 'root';
    else if (args[i]!.includes('n')) nonInteractive = true;
    i++;
  }
  const command = args.slice(i);
  if (command.length === 0) return fail('usage: sudo [-n] [-u user] command');
  const caller = currentIdentity();
  const decision = await sudoDecision(ctx.host.fs, caller.user, { nonInteractive, tty: caller.tty });
  if (!decision.allowed) return fail(decision.message ?? 'sudo: permission denied');
  const entry = (await readPasswd(ctx.host.fs)).find((u) => u.name === target);
  if (!entry) return fail(`sudo: unknown user: ${target}`);
  return runAs({ user: target, tty: caller.tty }, () =>
    ctx.exec(command.map(shellQuote).join(' '), {
      stdin: ctx.stdin,
      env: { USER: target, LOGNAME: target, HOME: entry.home, PATH: '/sbin:/bin:/usr/sbin:/usr/bin' },
    }),
  );
};

/**
 * su [-] [-s shell] [-c command] user: root runs the command as that user, who must exist (and,
 * without -s, have a login shell: the service accounts have /sbin/nologin). Anyone else would be
 * asked for the user's password, which no channel of the executor can give.
 */
export const su: LabCommandHandler = async (args, ctx) => {
  let command: string | undefined;
  let user: string | undefined;
  let shell: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-s' || a === '--shell') shell = args[++i];
    else if (a === '-c' || a === '--command') command = args[++i];
    else if (a === '-' || a === '-l' || a === '--login') continue;
    else if (!a.startsWith('-')) user ??= a;
  }
  const name = user ?? 'root';
  const entry = (await readPasswd(ctx.fs)).find((u) => u.name === name);
  if (!entry) return fail(`su: user ${name} does not exist`);
  const caller = currentIdentity();
  if (caller.user !== 'root' && caller.user !== name) return fail('su: Authentication failure');
  if (!command) return fail('su: no command given (the lab has no interactive shells)');
  if (!shell && entry.shell === '/sbin/nologin') return fail('This account is currently not available.');
  return runAs({ user: name, tty: caller.tty }, () =>
    ctx.exec(command!, { stdin: ctx.stdin, env: { USER: name, LOGNAME: name, HOME: entry.home } }),
  );
};

/** chown records owners in the host's owner table; the user and group must exist. */
export const chown: LabCommandHandler = async (args, { fs, host, cwd }) => {
  const recursive = args.includes('-R');
  if (!isRoot()) {
    const target = args.find((a) => !a.startsWith('-') && a !== args.find((b) => !b.startsWith('-')));
    return fail(`chown: changing ownership of '${target ?? ''}': Operation not permitted`);
  }
  const [spec, ...paths] = args.filter((a) => !a.startsWith('-'));
  if (!spec || paths.length === 0) return fail("chown: missing operand\nTry 'chown --help' for more information.");
  const [user = '', group] = spec.split(/[:.]/);
  if (user && !(await readPasswd(fs)).some((u) => u.name === user)) return fail(`chown: invalid user: '${spec}'`);
  if (group && !(await readGroups(fs)).some((g) => g.name === group)) return fail(`chown: invalid group: '${spec}'`);
  let exitCode = 0;
  let stderr = '';
  for (const path of paths) {
    const full = fs.resolvePath(cwd, path);
    if (!(await fs.exists(full))) {
      stderr += `chown: cannot access '${path}': No such file or directory\n`;
      exitCode = 1;
      continue;
    }
    const targets = recursive ? fs.getAllPaths().filter((p) => p === full || p.startsWith(`${full}/`)) : [full];
    for (const target of targets) {
      const [oldUser, oldGroup] = (host.owners.get(target) ?? 'root:root').split(':');
      host.owners.set(target, `${user || oldUser}:${group ?? oldGroup}`);
    }
  }
  return { stdout: '', stderr, exitCode };
};
