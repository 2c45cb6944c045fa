import { readFile, stat } from 'node:fs/promises';
import { SshExecutor } from '../../src/infra/ssh/ssh-executor.js';
import { targetFor } from './fixtures.js';
import { startSshd, type RunningSshd } from '../../lab/openssh/start-sshd.js';

// The node is this machine, so the uploaded file is checked with local fs calls.
describe('SshExecutor.upload against a real OpenSSH sshd', () => {
  let sshd: RunningSshd;
  const root = `/tmp/opsprint-upload-${process.pid}`;
  // The node is this machine: its backups go to a temp dir instead of /var/lib/opsprint/backups.
  const backupRoot = `${root}/backups`;
  const executor = new SshExecutor({ backupRoot });
  const dir = `${root}/etc/glance`;
  const path = `${dir}/glance-api.conf`;

  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(async () => {
    const node = await executor.session(targetFor(sshd));
    await node.run(`rm -rf /tmp/opsprint-upload-${process.pid}`);
    await executor.closeAll();
    await sshd?.stop();
  });

  it('creates the parent directory and writes the file with its mode and owner, no backup when new', async () => {
    const node = await executor.session(targetFor(sshd));
    const result = await node.upload(path, '[database]\nconnection = first\n', {
      mode: '0640',
      owner: 'nobody',
      group: 'nogroup',
      backup: true,
    });
    expect(result).toEqual({});
    expect(await readFile(path, 'utf8')).toBe('[database]\nconnection = first\n');
    const info = await stat(path);
    expect(info.mode & 0o7777).toBe(0o640);
    expect([info.uid, info.gid]).toEqual([65534, 65534]);
  });

  it('backs up the previous version in the root-only backup tree, keeping its content and mode, then replaces the file', async () => {
    const node = await executor.session(targetFor(sshd));
    const result = await node.upload(path, Buffer.from('[database]\nconnection = second\n'), {
      mode: '600',
      owner: 'root',
      group: 'daemon',
      backup: true,
    });
    expect(result.backupPath).toMatch(new RegExp(`^${backupRoot}${path}\\.\\d{8}T\\d{9}Z\\.bak$`));
    expect(await readFile(result.backupPath!, 'utf8')).toBe('[database]\nconnection = first\n');
    expect((await stat(result.backupPath!)).mode & 0o7777).toBe(0o640);
    expect((await stat(backupRoot)).mode & 0o7777).toBe(0o700);
    expect(await readFile(path, 'utf8')).toBe('[database]\nconnection = second\n');
    const info = await stat(path);
    expect([info.mode & 0o7777, info.uid, info.gid]).toEqual([0o600, 0, 1]);
    // Neither a staging file nor a backup is left next to it.
    expect((await node.run(`ls -A ${dir}`)).stdout).toBe('glance-api.conf\n');
  });

  it('replaces without a backup when none is asked for', async () => {
    const node = await executor.session(targetFor(sshd));
    const before = (await node.run(`ls ${dir} | wc -l`)).stdout;
    expect(await node.upload(path, 'third\n', { mode: '0644', owner: 'root', group: 'root', backup: false })).toEqual({});
    expect(await readFile(path, 'utf8')).toBe('third\n');
    expect((await node.run(`ls ${dir} | wc -l`)).stdout).toBe(before);
  });

  it('keeps the newest five backups of a file', async () => {
    const node = await executor.session(targetFor(sshd));
    const kept: string[] = [];
    for (let version = 1; version <= 7; version++) {
      const { backupPath } = await node.upload(path, `v${version}\n`, { mode: '0644', owner: 'root', group: 'root', backup: true });
      kept.push(backupPath!);
    }
    const listed = (await node.run(`ls ${backupRoot}${dir}`)).stdout.split('\n').filter(Boolean);
    expect(listed.map((name) => `${backupRoot}${dir}/${name}`)).toEqual(kept.slice(-5));
    expect(await readFile(kept.at(-1)!, 'utf8')).toBe('v6\n');
  });

  it('fails with a clear error for an unknown owner and leaves the file as it was', async () => {
    const node = await executor.session(targetFor(sshd));
    await expect(
      node.upload(path, 'fourth\n', { mode: '0644', owner: 'no-such-user-x', group: 'root', backup: false }),
    ).rejects.toMatchObject({ code: 'sftp', message: expect.stringContaining('no-such-user-x') });
    expect(await readFile(path, 'utf8')).toBe('v7\n');
    expect((await node.run(`ls -A ${dir} | grep -c opsprint-.*tmp`)).stdout).toBe('0\n');
  });

  it('names the bad field before touching the node', async () => {
    const node = await executor.session(targetFor(sshd));
    const options = { mode: '0644', owner: 'root', group: 'root', backup: false };
    await expect(node.upload('relative/path', 'x', options)).rejects.toThrow(/path must be an absolute file path/);
    await expect(node.upload(path, 'x', { ...options, mode: 'rw-r--r--' })).rejects.toThrow(/options\.mode/);
    await expect(node.upload(path, 'x', { ...options, group: 'root; reboot' })).rejects.toThrow(/options\.group/);
  });
});
