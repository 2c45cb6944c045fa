import type { IFileSystem, FsStat } from 'just-bash';
import ssh2 from 'ssh2';
import { type Attributes, type SFTPWrapper } from 'ssh2';
// ssh2 is CommonJS: Node's ESM loader cannot see `utils` as a named export.
const { utils } = ssh2;
import { runAs } from './identity.js';
import type { LabHost } from './lab-host.js';
import { PermissionFs } from './permission-fs.js';
import { readGroups, readPasswd } from './commands/support.js';

const { OPEN_MODE, STATUS_CODE } = utils.sftp;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

interface FileHandle {
  kind: 'file';
  path: string;
  content: Buffer;
  size: number;
  dirty: boolean;
  append: boolean;
  mode?: number;
}

interface DirHandle {
  kind: 'dir';
  path: string;
  done: boolean;
}

/** Map a filesystem error to the SFTP status OpenSSH's sftp-server would answer. */
function statusOf(error: unknown): number {
  const message = error instanceof Error ? error.message : String(error);
  return /ENOENT|no such file/i.test(message)
    ? STATUS_CODE.NO_SUCH_FILE
    : /EACCES|EPERM/.test(message)
      ? STATUS_CODE.PERMISSION_DENIED
      : STATUS_CODE.FAILURE;
}

const parentOf = (path: string) => path.slice(0, path.lastIndexOf('/')) || '/';

/**
 * Serve one SFTP session over the node's in-memory filesystem as the login user (sshd's
 * sftp-server runs with that user's rights): paths are relative to their home, and what they
 * may not read or write is refused with PERMISSION_DENIED.
 */
export function serveSftp(sftp: SFTPWrapper, host: LabHost, user = 'root'): void {
  const fs: IFileSystem = new PermissionFs(host);
  const home = user === 'root' ? '/root' : `/home/${user}`;
  const handles = new Map<number, FileHandle | DirHandle>();
  let nextHandle = 1;
  const resolve = (path: string) => fs.resolvePath(home, path || '.');
  const newHandle = (h: FileHandle | DirHandle) => {
    const id = nextHandle++;
    handles.set(id, h);
    const buf = Buffer.alloc(4);
    buf.writeUInt32BE(id);
    return buf;
  };
  const lookup = (buf: Buffer) => (buf.length === 4 ? handles.get(buf.readUInt32BE(0)) : undefined);

  const ids = async (path: string) => {
    const [user = 'root', group = 'root'] = (host.owners.get(path) ?? 'root:root').split(':');
    const users = await readPasswd(fs);
    const groups = await readGroups(fs);
    return { uid: users.find((u) => u.name === user)?.uid ?? 0, gid: groups.find((g) => g.name === group)?.gid ?? 0 };
  };
  const attrsOf = async (path: string, stat: FsStat): Promise<Attributes> => {
    const type = stat.isSymbolicLink ? S_IFLNK : stat.isDirectory ? S_IFDIR : S_IFREG;
    const time = Math.floor(stat.mtime.getTime() / 1000);
    return { mode: type | (stat.mode & 0o7777), size: stat.size, atime: time, mtime: time, ...(await ids(path)) };
  };
  /** Apply SETSTAT attributes: permission bits, and owners by numeric id. */
  const applyAttrs = async (path: string, attrs: Attributes) => {
    if (typeof attrs.mode === 'number') await fs.chmod(path, attrs.mode & 0o7777);
    if (typeof attrs.uid === 'number' || typeof attrs.gid === 'number') {
      const users = await readPasswd(fs);
      const groups = await readGroups(fs);
      const [oldUser = 'root', oldGroup = 'root'] = (host.owners.get(path) ?? 'root:root').split(':');
      const owner = typeof attrs.uid === 'number' ? users.find((u) => u.uid === attrs.uid)?.name : oldUser;
      const group = typeof attrs.gid === 'number' ? groups.find((g) => g.gid === attrs.gid)?.name : oldGroup;
      if (!owner || !group) throw new Error('EPERM: unknown uid or gid');
      // Only root gives files away.
      if (user !== 'root' && (owner !== oldUser || group !== oldGroup)) throw new Error('EPERM: operation not permitted');
      host.owners.set(path, `${owner}:${group}`);
    }
  };
  const guard = (reqId: number, work: () => Promise<void>) => {
    runAs({ user, tty: false }, work).catch((error: unknown) =>
      sftp.status(reqId, statusOf(error), error instanceof Error ? error.message : String(error)),
    );
  };

  sftp.on('OPEN', (reqId, filename, flags, attrs) =>
    guard(reqId, async () => {
      const path = resolve(filename);
      const exists = await fs.exists(path);
      if (exists && (await fs.stat(path)).isDirectory) return void sftp.status(reqId, STATUS_CODE.FAILURE, 'Is a directory');
      const writing = (flags & OPEN_MODE.WRITE) !== 0;
      if (!exists && (!writing || (flags & OPEN_MODE.CREAT) === 0))
        return void sftp.status(reqId, STATUS_CODE.NO_SUCH_FILE, 'No such file');
      if (exists && (flags & OPEN_MODE.EXCL) !== 0) return void sftp.status(reqId, STATUS_CODE.FAILURE, 'File exists');
      if (!exists && !(await fs.exists(parentOf(path)))) return void sftp.status(reqId, STATUS_CODE.NO_SUCH_FILE, 'No such file');
      const truncate = !exists || (flags & OPEN_MODE.TRUNC) !== 0;
      const content = truncate ? Buffer.alloc(0) : Buffer.from(await fs.readFileBuffer(path));
      const mode = !exists && typeof attrs.mode === 'number' ? attrs.mode & 0o7777 : undefined;
      const handle: FileHandle = {
        kind: 'file',
        path,
        content,
        size: content.length,
        dirty: writing && truncate,
        append: (flags & OPEN_MODE.APPEND) !== 0,
        mode,
      };
      if (handle.dirty) await flush(handle);
      sftp.handle(reqId, newHandle(handle));
    }),
  );

  async function flush(handle: FileHandle): Promise<void> {
    await fs.writeFile(handle.path, handle.content.subarray(0, handle.size));
    if (handle.mode !== undefined) await fs.chmod(handle.path, handle.mode);
    handle.dirty = false;
  }

  sftp.on('WRITE', (reqId, buf, offset, data) => {
    const handle = lookup(buf);
    if (handle?.kind !== 'file') return sftp.status(reqId, STATUS_CODE.FAILURE, 'Bad handle');
    const at = handle.append ? handle.size : offset;
    const end = at + data.length;
    if (end > handle.content.length) {
      const grown = Buffer.alloc(Math.max(end, handle.content.length * 2));
      handle.content.copy(grown, 0, 0, handle.size);
      handle.content = grown;
    }
    data.copy(handle.content, at);
    handle.size = Math.max(handle.size, end);
    handle.dirty = true;
    sftp.status(reqId, STATUS_CODE.OK);
  });

  sftp.on('READ', (reqId, buf, offset, length) => {
    const handle = lookup(buf);
    if (handle?.kind !== 'file') return sftp.status(reqId, STATUS_CODE.FAILURE, 'Bad handle');
    if (offset >= handle.size) return sftp.status(reqId, STATUS_CODE.EOF);
    sftp.data(reqId, handle.content.subarray(offset, Math.min(handle.size, offset + length)));
  });

  sftp.on('CLOSE', (reqId, buf) =>
    guard(reqId, async () => {
      const handle = lookup(buf);
      if (!handle) return void sftp.status(reqId, STATUS_CODE.FAILURE, 'Bad handle');
      handles.delete(buf.readUInt32BE(0));
      if (handle.kind === 'file' && handle.dirty) await flush(handle);
      sftp.status(reqId, STATUS_CODE.OK);
    }),
  );

  sftp.on('FSTAT', (reqId, buf) =>
    guard(reqId, async () => {
      const handle = lookup(buf);
      if (!handle) return void sftp.status(reqId, STATUS_CODE.FAILURE, 'Bad handle');
      const attrs = await attrsOf(handle.path, await fs.stat(handle.path));
      sftp.attrs(reqId, handle.kind === 'file' ? { ...attrs, size: handle.size } : attrs);
    }),
  );
  sftp.on('STAT', (reqId, path) => guard(reqId, async () => sftp.attrs(reqId, await attrsOf(resolve(path), await fs.stat(resolve(path))))));
  sftp.on('LSTAT', (reqId, path) =>
    guard(reqId, async () => sftp.attrs(reqId, await attrsOf(resolve(path), await fs.lstat(resolve(path))))),
  );

  sftp.on('SETSTAT', (reqId, path, attrs) =>
    guard(reqId, async () => {
      if (!(await fs.exists(resolve(path)))) return void sftp.status(reqId, STATUS_CODE.NO_SUCH_FILE, 'No such file');
      await applyAttrs(resolve(path), attrs);
      sftp.status(reqId, STATUS_CODE.OK);
    }),
  );
  sftp.on('FSETSTAT', (reqId, buf, attrs) =>
    guard(reqId, async () => {
      const handle = lookup(buf);
      if (!handle) return void sftp.status(reqId, STATUS_CODE.FAILURE, 'Bad handle');
      if (handle.kind === 'file' && typeof attrs.mode === 'number') handle.mode = attrs.mode & 0o7777;
      await applyAttrs(handle.path, attrs);
      sftp.status(reqId, STATUS_CODE.OK);
    }),
  );

  sftp.on('RENAME', (reqId, from, to) =>
    guard(reqId, async () => {
      if (!(await fs.exists(resolve(from)))) return void sftp.status(reqId, STATUS_CODE.NO_SUCH_FILE, 'No such file');
      // OpenSSH's sftp-server (SFTPv3 rename) refuses to replace an existing file.
      if (await fs.exists(resolve(to))) return void sftp.status(reqId, STATUS_CODE.FAILURE, 'File exists');
      await fs.mv(resolve(from), resolve(to));
      const owner = host.owners.get(resolve(from));
      if (owner) host.owners.set(resolve(to), owner);
      host.owners.delete(resolve(from));
      sftp.status(reqId, STATUS_CODE.OK);
    }),
  );
  sftp.on('REMOVE', (reqId, path) =>
    guard(reqId, async () => {
      const stat = await fs.lstat(resolve(path));
      if (stat.isDirectory) return void sftp.status(reqId, STATUS_CODE.FAILURE, 'Is a directory');
      await fs.rm(resolve(path));
      host.owners.delete(resolve(path));
      sftp.status(reqId, STATUS_CODE.OK);
    }),
  );
  sftp.on('MKDIR', (reqId, path, attrs) =>
    guard(reqId, async () => {
      const full = resolve(path);
      if (await fs.exists(full)) return void sftp.status(reqId, STATUS_CODE.FAILURE, 'File exists');
      if (!(await fs.exists(parentOf(full)))) return void sftp.status(reqId, STATUS_CODE.NO_SUCH_FILE, 'No such file');
      await fs.mkdir(full);
      await fs.chmod(full, typeof attrs.mode === 'number' ? attrs.mode & 0o7777 : 0o755);
      sftp.status(reqId, STATUS_CODE.OK);
    }),
  );
  sftp.on('RMDIR', (reqId, path) =>
    guard(reqId, async () => {
      const full = resolve(path);
      if (!(await fs.stat(full)).isDirectory) return void sftp.status(reqId, STATUS_CODE.FAILURE, 'Not a directory');
      if ((await fs.readdir(full)).length > 0) return void sftp.status(reqId, STATUS_CODE.FAILURE, 'Directory not empty');
      await fs.rm(full);
      sftp.status(reqId, STATUS_CODE.OK);
    }),
  );
  sftp.on('REALPATH', (reqId, path) =>
    guard(reqId, async () => {
      const full = resolve(path);
      const real = (await fs.exists(full)) ? await fs.realpath(full) : full;
      sftp.name(reqId, [{ filename: real, longname: real, attrs: {} as Attributes }]);
    }),
  );
  sftp.on('READLINK', (reqId, path) =>
    guard(reqId, async () => {
      const target = await fs.readlink(resolve(path));
      sftp.name(reqId, [{ filename: target, longname: target, attrs: {} as Attributes }]);
    }),
  );
  sftp.on('SYMLINK', (reqId, linkPath, targetPath) =>
    // OpenSSH's sftp-server swaps the two SSH_FXP_SYMLINK arguments, and clients follow it.
    guard(reqId, async () => {
      await fs.symlink(targetPath, resolve(linkPath));
      sftp.status(reqId, STATUS_CODE.OK);
    }),
  );
  sftp.on('OPENDIR', (reqId, path) =>
    guard(reqId, async () => {
      const full = resolve(path);
      if (!(await fs.stat(full)).isDirectory) return void sftp.status(reqId, STATUS_CODE.FAILURE, 'Not a directory');
      sftp.handle(reqId, newHandle({ kind: 'dir', path: full, done: false }));
    }),
  );
  sftp.on('READDIR', (reqId, buf) =>
    guard(reqId, async () => {
      const handle = lookup(buf);
      if (handle?.kind !== 'dir') return void sftp.status(reqId, STATUS_CODE.FAILURE, 'Bad handle');
      if (handle.done) return void sftp.status(reqId, STATUS_CODE.EOF);
      handle.done = true;
      const names = await fs.readdir(handle.path);
      const entries = await Promise.all(
        names.map(async (name) => {
          const path = `${handle.path === '/' ? '' : handle.path}/${name}`;
          const attrs = await attrsOf(path, await fs.lstat(path));
          const [user, group] = (host.owners.get(path) ?? 'root:root').split(':');
          const kind = (attrs.mode & S_IFDIR) === S_IFDIR ? 'd' : '-';
          return { filename: name, longname: `${kind}${(attrs.mode & 0o777).toString(8)} 1 ${user} ${group} ${attrs.size} ${name}`, attrs };
        }),
      );
      sftp.name(reqId, entries);
    }),
  );
}
