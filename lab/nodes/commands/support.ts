import type { IFileSystem } from 'just-bash';

/** Single-quote a word for the shell, so a re-executed argument stays one word. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

export async function readPasswd(fs: IFileSystem): Promise<PasswdEntry[]> {
  const text = await fs.readFile('/etc/passwd').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [name = '', , uid = '0', gid = '0', , home = '/', shell = '/bin/bash'] = line.split(':');
      return { name, uid: Number(uid), gid: Number(gid), home, shell };
    });
}

export async function readGroups(fs: IFileSystem): Promise<{ name: string; gid: number }[]> {
  const text = await fs.readFile('/etc/group').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [name = '', , gid = '0'] = line.split(':');
      return { name, gid: Number(gid) };
    });
}

/** Add a system user and its group the way useradd -r does, once. */
export async function addSystemUser(fs: IFileSystem, name: string, home: string): Promise<void> {
  const users = await readPasswd(fs);
  if (users.some((u) => u.name === name)) return;
  const uid = Math.max(150, ...users.filter((u) => u.uid < 1000).map((u) => u.uid)) + 1;
  await fs.appendFile('/etc/passwd', `${name}:x:${uid}:${uid}:${name}:${home}:/sbin/nologin\n`);
  await fs.appendFile('/etc/group', `${name}:x:${uid}:\n`);
}
