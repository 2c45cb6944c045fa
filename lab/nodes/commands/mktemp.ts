import { randomBytes } from 'node:crypto';
import { fail, ok, type LabCommandHandler } from '../lab-host.js';

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** coreutils mktemp [-d] [TEMPLATE]: a new file (0600) or directory (0700) named from the template's trailing X's, in /tmp by default. */
export const mktemp: LabCommandHandler = async (args, { fs, cwd }) => {
  const directory = args.includes('-d') || args.includes('--directory');
  const operands = args.filter((a) => !a.startsWith('-'));
  const template = operands[0] ?? '/tmp/tmp.XXXXXXXXXX';
  const xs = /X{3,}$/.exec(template);
  if (!xs) return fail(`mktemp: too few X's in template '${template}'`);
  const base = fs.resolvePath(cwd, template.slice(0, xs.index));
  for (let attempt = 0; attempt < 100; attempt++) {
    const suffix = [...randomBytes(xs[0].length)].map((byte) => LETTERS[byte % LETTERS.length]).join('');
    const path = `${base}${suffix}`;
    if (await fs.exists(path)) continue;
    const parent = path.slice(0, path.lastIndexOf('/')) || '/';
    if (!(await fs.exists(parent)))
      return fail(`mktemp: failed to create ${directory ? 'directory' : 'file'} via template '${template}': No such file or directory`);
    if (directory) {
      await fs.mkdir(path);
      await fs.chmod(path, 0o700);
    } else {
      await fs.writeFile(path, '');
      await fs.chmod(path, 0o600);
    }
    return ok(`${path}\n`);
  }
  return fail(`mktemp: failed to create file via template '${template}': File exists`);
};
