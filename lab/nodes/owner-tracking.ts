import { defineCommand, type Command, type IFileSystem } from 'just-bash';
import type { LabHost } from './lab-host.js';

/** A `ls -l` line: mode, links, owner, group, then size, date and name. */
const LONG_LINE = /^([-dlcbps]\S{9,10}\s+\d+\s+)\S+\s+\S+(\s+\d+\s+\w{3}\s+\d+\s+[\d:]+\s+)(.+)$/;

/** Operands of a coreutils call: everything that is not an option, all of it after `--`. */
function operandsOf(args: string[]): string[] {
  const end = args.indexOf('--');
  const before = (end >= 0 ? args.slice(0, end) : args).filter((a) => !a.startsWith('-'));
  return end >= 0 ? [...before, ...args.slice(end + 1)] : before;
}

/** Move or copy the owner entries of `from` (and everything under it) to `to`. */
function carryOwners(host: LabHost, from: string, to: string, keepSource: boolean): void {
  for (const [path, owner] of [...host.owners]) {
    if (path !== from && !path.startsWith(`${from}/`)) continue;
    host.owners.set(to + path.slice(from.length), owner);
    if (!keepSource) host.owners.delete(path);
  }
}

/**
 * The in-memory filesystem keeps modes but no owners, so the host keeps a chown table;
 * these wrappers keep it right when files move (mv), are copied as root with -p (cp -p keeps owners),
 * are removed (rm), and show it where stat prints owners (%U %G %u %g).
 */
export function ownerAwareCommands(host: LabHost): Command[] {
  const moveLike = (name: 'mv' | 'cp') =>
    defineCommand(name, async (args, ctx) => {
      const operands = operandsOf(args).map((p) => ctx.fs.resolvePath(ctx.cwd, p));
      const dest = operands.pop();
      const preserve = name === 'mv' || args.some((a) => /^-[a-zA-Z]*[pa]/.test(a) || a === '--preserve' || a === '--archive');
      const destIsDir = dest !== undefined && (await ctx.fs.exists(dest)) && (await ctx.fs.stat(dest)).isDirectory;
      const result = await ctx.origCommand!(args);
      if (result.exitCode === 0 && dest && preserve) {
        for (const source of operands) {
          const target = destIsDir ? `${dest}/${source.slice(source.lastIndexOf('/') + 1)}` : dest;
          carryOwners(host, source, target, name === 'cp');
        }
      }
      return result;
    });
  const rm = defineCommand('rm', async (args, ctx) => {
    const result = await ctx.origCommand!(args);
    for (const path of operandsOf(args).map((p) => ctx.fs.resolvePath(ctx.cwd, p))) {
      if (await ctx.fs.exists(path)) continue;
      for (const owned of [...host.owners.keys()]) if (owned === path || owned.startsWith(`${path}/`)) host.owners.delete(owned);
    }
    return result;
  });
  const stat = defineCommand('stat', async (args, ctx) => {
    const formatAt = args.findIndex((a) => a === '-c' || a === '--format' || a === '--printf');
    const format = formatAt >= 0 ? args[formatAt + 1] : undefined;
    if (format === undefined || !/%[UGug]/.test(format)) return ctx.origCommand!(args);
    const files = args.filter((a, i) => i !== formatAt && i !== formatAt + 1 && !a.startsWith('-'));
    const out = { stdout: '', stderr: '', exitCode: 0 };
    for (const file of files) {
      const [user = 'root', group = 'root'] = (host.owners.get(ctx.fs.resolvePath(ctx.cwd, file)) ?? 'root:root').split(':');
      const ids = await ctx.exec!(`id -u ${user}; getent group ${group} | cut -d: -f3`, { cwd: ctx.cwd });
      const [uid = '0', gid = '0'] = ids.stdout.split('\n');
      const filled = format.replace(/%U/g, user).replace(/%G/g, group).replace(/%u/g, uid).replace(/%g/g, gid);
      const result = await ctx.origCommand!([args[formatAt]!, filled, file]);
      out.stdout += result.stdout;
      out.stderr += result.stderr;
      if (result.exitCode !== 0) out.exitCode = result.exitCode;
    }
    return out;
  });
  const ls = defineCommand('ls', async (args, ctx) => {
    const result = await ctx.origCommand!(args);
    if (!args.some((a) => /^-[a-zA-Z]*l/.test(a))) return result;
    const listsContents = !args.some((a) => /^-[a-zA-Z]*d/.test(a));
    return withOwners(result, ctx.fs, ctx.cwd, listsContents ? await listedDirectories(operandsOf(args), ctx) : []);
  });
  /** Long-listing lines get the host's owners; names resolve against the directory being listed. */
  const withOwners = <R extends { stdout: string }>(result: R, fs: IFileSystem, cwd: string, dirs: string[]): R => {
    let dir = dirs.length === 1 ? dirs[0] : undefined;
    const lines = result.stdout.split('\n').map((line) => {
      if (line.endsWith(':') && dirs.includes(fs.resolvePath(cwd, line.slice(0, -1)))) dir = fs.resolvePath(cwd, line.slice(0, -1));
      const m = LONG_LINE.exec(line);
      if (!m) return line;
      const name = m[3]!.replace(/ -> .*$/, '').replace(/(.)\/$/, '$1');
      const path = fs.resolvePath(dir ?? cwd, name);
      const [user = 'root', group = 'root'] = (host.owners.get(path) ?? 'root:root').split(':');
      return `${m[1]}${user} ${group}${m[2]}${m[3]}`;
    });
    return { ...result, stdout: lines.join('\n') };
  };
  const listedDirectories = async (operands: string[], ctx: { fs: IFileSystem; cwd: string }) => {
    const paths = (operands.length ? operands : ['.']).map((p) => ctx.fs.resolvePath(ctx.cwd, p));
    const dirs: string[] = [];
    for (const path of paths) if ((await ctx.fs.exists(path)) && (await ctx.fs.stat(path)).isDirectory) dirs.push(path);
    return dirs;
  };
  return [moveLike('mv'), moveLike('cp'), rm, stat, ls];
}
