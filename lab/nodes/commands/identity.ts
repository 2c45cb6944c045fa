import { fail, ok, type LabCommandHandler } from '../lab-host.js';
import { SHELL_PID } from '../centos-layout.js';
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

export const whoami: LabCommandHandler = async (_args, { env }) => ok(`${env.USER ?? 'root'}\n`);

export const id: LabCommandHandler = async (args, { env, fs }) => {
  const flags = args.filter((a) => a.startsWith('-')).join('');
  const name = args.find((a) => !a.startsWith('-')) ?? env.USER ?? 'root';
  const user = (await readPasswd(fs)).find((u) => u.name === name);
  if (!user) return fail(`id: ${name}: no such user`);
  const names = flags.includes('n');
  if (flags.includes('u')) return ok(`${names ? user.name : user.uid}\n`);
  if (flags.includes('g')) return ok(`${names ? user.name : user.gid}\n`);
  return ok(`uid=${user.uid}(${user.name}) gid=${user.gid}(${user.name}) groups=${user.gid}(${user.name})\n`);
};

/** sudo: the lab logs in as root already, so it runs the rest of the line (options such as -n accepted). */
export const sudo: LabCommandHandler = async (args, ctx) => {
  let i = 0;
  let user = 'root';
  while (i < args.length && args[i]!.startsWith('-')) {
    if (args[i] === '--') {
      i++;
      break;
    }
    if (args[i] === '-u') user = args[++i] ?? 'root';
    i++;
  }
  const command = args.slice(i);
  if (command.length === 0) return fail('usage: sudo [-n] [-u user] command');
  return ctx.exec(command.map(shellQuote).join(' '), { stdin: ctx.stdin, env: { USER: user, LOGNAME: user } });
};

/** su [-] [-s shell] [-c command] user: runs the command as that system user, who must exist. */
export const su: LabCommandHandler = async (args, ctx) => {
  let command: string | undefined;
  let user: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-s' || a === '--shell') i++;
    else if (a === '-c' || a === '--command') command = args[++i];
    else if (a === '-' || a === '-l' || a === '--login') continue;
    else if (!a.startsWith('-')) user ??= a;
  }
  const name = user ?? 'root';
  const entry = (await readPasswd(ctx.fs)).find((u) => u.name === name);
  if (!entry) return fail(`su: user ${name} does not exist`);
  if (!command) return fail('su: no command given (the lab has no interactive shells)');
  return ctx.exec(command, { stdin: ctx.stdin, env: { USER: name, LOGNAME: name, HOME: entry.home } });
};

/** chown records owners in the host's owner table; the user and group must exist. */
export const chown: LabCommandHandler = async (args, { fs, host, cwd }) => {
  const recursive = args.includes('-R');
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
