import type { IFileSystem } from 'just-bash';
import { currentIdentity } from './identity.js';
import type { LabHost } from './lab-host.js';

type Access = 'read' | 'write';

/** Paths the kernel lets anyone write (character devices, the sticky temp directories). */
const WORLD_WRITABLE_DEVICES = new Set(['/dev/null', '/dev/zero', '/dev/tty']);

function parentOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/')) || '/';
}

function denied(path: string): Error {
  return Object.assign(new Error(`EACCES: permission denied, '${path}'`), { code: 'EACCES' });
}

/**
 * The node's filesystem as the current identity sees it (lab/nodes/identity.ts): root does
 * anything; another user reads and writes by the mode bits of the file (or, to create or remove
 * one, of its directory) against the owners the host records, as the kernel would. Files that
 * user creates are theirs.
 */
export class PermissionFs implements IFileSystem {
  constructor(
    private readonly host: LabHost,
    private readonly inner: IFileSystem = host.fs,
  ) {
    // just-bash lays out /dev, /proc/self and /bin through these synchronous methods when the filesystem has them.
    const sync = inner as unknown as Record<string, unknown>;
    for (const method of ['mkdirSync', 'writeFileSync', 'writeFileLazy']) {
      const fn = sync[method];
      if (typeof fn === 'function') (this as unknown as Record<string, unknown>)[method] = fn.bind(inner);
    }
  }

  private async groupsOf(user: string): Promise<Set<string>> {
    const groups = new Set<string>();
    const passwd = (await this.inner.readFile('/etc/passwd').catch(() => '')).split('\n');
    const gid = passwd.find((line) => line.split(':')[0] === user)?.split(':')[3];
    for (const line of (await this.inner.readFile('/etc/group').catch(() => '')).split('\n')) {
      const [name = '', , id = '', members = ''] = line.split(':');
      if (id === gid || members.split(',').includes(user)) groups.add(name);
    }
    return groups;
  }

  /** May the current user read/write `path` (an existing file or directory)? */
  private async allowed(path: string, access: Access): Promise<boolean> {
    const { user } = currentIdentity();
    if (user === 'root' || WORLD_WRITABLE_DEVICES.has(path)) return true;
    const { mode } = await this.inner.stat(path);
    const [owner = 'root', group = 'root'] = (this.host.owners.get(path) ?? 'root:root').split(':');
    const bits = access === 'read' ? [0o400, 0o040, 0o004] : [0o200, 0o020, 0o002];
    if (owner === user) return (mode & bits[0]!) !== 0;
    if ((await this.groupsOf(user)).has(group)) return (mode & bits[1]!) !== 0;
    return (mode & bits[2]!) !== 0;
  }

  private async check(path: string, access: Access): Promise<void> {
    if (!(await this.allowed(path, access))) throw denied(path);
  }

  /** Creating or removing an entry needs write permission on its directory (and, under a sticky bit, to own the entry). */
  private async checkEntry(path: string): Promise<void> {
    const { user } = currentIdentity();
    if (user === 'root') return;
    const dir = parentOf(path);
    if (!(await this.inner.exists(dir))) return;
    await this.check(dir, 'write');
    const sticky = ((await this.inner.stat(dir)).mode & 0o1000) !== 0;
    if (sticky && (await this.inner.exists(path)) && (this.host.owners.get(path) ?? 'root:root').split(':')[0] !== user) throw denied(path);
  }

  /** A file the current user creates belongs to them. */
  private own(path: string): void {
    const { user } = currentIdentity();
    if (user !== 'root') this.host.owners.set(path, `${user}:${user}`);
  }

  private async write(path: string, work: () => Promise<void>): Promise<void> {
    const existed = await this.inner.exists(path);
    if (existed) await this.check(path, 'write');
    else await this.checkEntry(path);
    await work();
    if (!existed) this.own(path);
  }

  readFile: IFileSystem['readFile'] = async (path, options) => {
    await this.check(path, 'read');
    return this.inner.readFile(path, options);
  };

  readFileBuffer: IFileSystem['readFileBuffer'] = async (path) => {
    await this.check(path, 'read');
    return this.inner.readFileBuffer(path);
  };

  writeFile: IFileSystem['writeFile'] = (path, content, options) => this.write(path, () => this.inner.writeFile(path, content, options));

  appendFile: IFileSystem['appendFile'] = (path, content, options) => this.write(path, () => this.inner.appendFile(path, content, options));

  exists: IFileSystem['exists'] = (path) => this.inner.exists(path);
  stat: IFileSystem['stat'] = (path) => this.inner.stat(path);
  lstat: IFileSystem['lstat'] = (path) => this.inner.lstat(path);
  readlink: IFileSystem['readlink'] = (path) => this.inner.readlink(path);
  realpath: IFileSystem['realpath'] = (path) => this.inner.realpath(path);
  resolvePath: IFileSystem['resolvePath'] = (base, path) => this.inner.resolvePath(base, path);
  getAllPaths: IFileSystem['getAllPaths'] = () => this.inner.getAllPaths();

  readdir: IFileSystem['readdir'] = async (path) => {
    await this.check(path, 'read');
    return this.inner.readdir(path);
  };

  mkdir: IFileSystem['mkdir'] = async (path, options) => {
    if (await this.inner.exists(path)) return this.inner.mkdir(path, options);
    const { user } = currentIdentity();
    if (user !== 'root') {
      // The first missing ancestor is created in a directory that must be writable.
      let missing = path;
      while (!(await this.inner.exists(parentOf(missing))) && parentOf(missing) !== missing) missing = parentOf(missing);
      await this.checkEntry(missing);
    }
    await this.inner.mkdir(path, options);
    this.own(path);
  };

  rm: IFileSystem['rm'] = async (path, options) => {
    if (await this.inner.exists(path)) await this.checkEntry(path);
    return this.inner.rm(path, options);
  };

  cp: IFileSystem['cp'] = async (src, dest, options) => {
    await this.check(src, 'read');
    return this.write(dest, () => this.inner.cp(src, dest, options));
  };

  /** A rename removes an entry from one directory and makes (or replaces) one in another. */
  mv: IFileSystem['mv'] = async (src, dest) => {
    await this.checkEntry(src);
    await this.checkEntry(dest);
    return this.inner.mv(src, dest);
  };

  chmod: IFileSystem['chmod'] = async (path, mode) => {
    const { user } = currentIdentity();
    if (user !== 'root' && (this.host.owners.get(path) ?? 'root:root').split(':')[0] !== user) {
      throw Object.assign(new Error(`EPERM: operation not permitted, chmod '${path}'`), { code: 'EPERM' });
    }
    return this.inner.chmod(path, mode);
  };

  symlink: IFileSystem['symlink'] = (target, linkPath) => this.write(linkPath, () => this.inner.symlink(target, linkPath));
  link: IFileSystem['link'] = (existing, newPath) => this.write(newPath, () => this.inner.link(existing, newPath));
  utimes: IFileSystem['utimes'] = (path, atime, mtime) => this.write(path, () => this.inner.utimes(path, atime, mtime));
}
