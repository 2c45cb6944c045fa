import { createHash } from 'node:crypto';
import { ok, type LabCommandHandler, type LabCommandResult } from '../lab-host.js';

/** sha256sum, including `-c [--status|--quiet]` over "HASH  path" lines from files or stdin. */
export const sha256sum: LabCommandHandler = async (args, { fs, cwd, stdin }) => {
  const check = args.includes('-c') || args.includes('--check');
  const status = args.includes('--status');
  const quiet = args.includes('--quiet');
  const files = args.filter((a) => !a.startsWith('-') || a === '-');
  const digest = async (path: string) =>
    createHash('sha256')
      .update(await fs.readFileBuffer(fs.resolvePath(cwd, path)))
      .digest('hex');
  const out: LabCommandResult = { stdout: '', stderr: '', exitCode: 0 };

  if (!check) {
    if (files.length === 0) return ok(`${createHash('sha256').update(stdin).digest('hex')}  -\n`);
    for (const file of files) {
      try {
        out.stdout += `${await digest(file)}  ${file}\n`;
      } catch {
        out.stderr += `sha256sum: ${file}: No such file or directory\n`;
        out.exitCode = 1;
      }
    }
    return out;
  }

  const lists = files.length === 0 || files[0] === '-' ? [stdin] : await Promise.all(files.map((f) => fs.readFile(fs.resolvePath(cwd, f))));
  let mismatched = 0;
  let unreadable = 0;
  for (const line of lists
    .join('\n')
    .split('\n')
    .filter((l) => l.trim())) {
    const m = line.match(/^([0-9a-fA-F]{64}) [ *](.+)$/);
    if (!m) continue;
    const [, expected, path] = m;
    let actual: string | null = null;
    try {
      actual = await digest(path!);
    } catch {
      unreadable++;
      if (!status) out.stderr += `sha256sum: ${path}: No such file or directory\n`;
      if (!status) out.stdout += `${path}: FAILED open or read\n`;
      continue;
    }
    if (actual === expected!.toLowerCase()) {
      if (!status && !quiet) out.stdout += `${path}: OK\n`;
    } else {
      mismatched++;
      if (!status) out.stdout += `${path}: FAILED\n`;
    }
  }
  if (!status && unreadable) out.stderr += `sha256sum: WARNING: ${unreadable} listed file${unreadable > 1 ? 's' : ''} could not be read\n`;
  if (!status && mismatched)
    out.stderr += `sha256sum: WARNING: ${mismatched} computed checksum${mismatched > 1 ? 's' : ''} did NOT match\n`;
  out.exitCode = mismatched || unreadable ? 1 : 0;
  return out;
};
