import { fail, ok, type LabCommandHandler } from '../lab-host.js';

/** coreutils install: `install [-d] [-m MODE] [-o USER] [-g GROUP] SRC DEST` or `install -d DIR...`. */
export const install: LabCommandHandler = async (args, ctx) => {
  let mode: number | undefined;
  let owner: string | undefined;
  let group: string | undefined;
  let directories = false;
  const operands: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-m' || a === '--mode') mode = parseInt(args[++i] ?? '', 8);
    else if (a === '-o' || a === '--owner') owner = args[++i];
    else if (a === '-g' || a === '--group') group = args[++i];
    else if (a === '-d' || a === '--directory') directories = true;
    else if (a === '-D' || a === '-p' || a === '-v' || a === '--') continue;
    else operands.push(a);
  }
  if (mode !== undefined && Number.isNaN(mode)) return fail('install: invalid mode');
  const { fs, cwd } = ctx;
  const targets: string[] = [];
  if (directories) {
    for (const dir of operands) {
      await fs.mkdir(fs.resolvePath(cwd, dir), { recursive: true });
      targets.push(fs.resolvePath(cwd, dir));
    }
  } else {
    const [source, dest] = operands;
    if (!source || !dest) return fail(`install: missing destination file operand after '${source ?? ''}'`);
    const from = fs.resolvePath(cwd, source);
    if (!(await fs.exists(from))) return fail(`install: cannot stat '${source}': No such file or directory`);
    let to = fs.resolvePath(cwd, dest);
    if ((await fs.exists(to)) && (await fs.stat(to)).isDirectory) to = `${to}/${from.slice(from.lastIndexOf('/') + 1)}`;
    await fs.writeFile(to, await fs.readFileBuffer(from));
    targets.push(to);
  }
  for (const target of targets) {
    await fs.chmod(target, mode ?? (directories ? 0o755 : 0o755));
    if (owner || group) {
      const result = await ctx.exec(`chown ${owner ?? ''}${group ? `:${group}` : ''} '${target}'`);
      if (result.exitCode !== 0) return { ...result, stderr: result.stderr.replace(/^chown/gm, 'install') };
    }
  }
  return ok();
};
