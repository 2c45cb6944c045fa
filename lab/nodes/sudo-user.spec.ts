import type { Client } from 'ssh2';
import { SshError, type SshTarget } from '../../src/infra/ssh/executor.types.js';
import { SshExecutor } from '../../src/infra/ssh/ssh-executor.js';
import type { SudoUser } from './centos-layout.js';
import { startLab, type Lab } from './lab.js';
import { connectTo, disconnect, execOn, FramedShell, sftpOf } from './lab-ssh-client.js';
import { USE_VAULT_REPOSITORIES } from './vault-repositories.js';

/** A cloud image's `centos` user: what a node looks like to an operator who may not log in as root. */
async function labWith(sudoUser: SudoUser): Promise<Lab> {
  return startLab({ computeNodes: 0, sudoUser });
}

function targetOf(lab: Lab): SshTarget {
  const node = lab.nodes[0]!;
  return {
    name: node.name,
    host: node.ssh.host,
    port: node.ssh.port,
    username: node.ssh.user,
    privateKey: lab.clientPrivateKey!,
    hostKeyFingerprint: node.ssh.hostKeyFingerprint,
    connectTimeoutMs: 5000,
  };
}

describe('a lab node logged in as a sudo user', () => {
  let lab: Lab | undefined;
  let client: Client | undefined;
  let executor: SshExecutor | undefined;

  afterEach(async () => {
    await executor?.closeAll();
    await disconnect(client);
    await lab?.stop();
    [lab, client, executor] = [undefined, undefined, undefined];
  });

  it('without sudo has the rights of an ordinary user: no installs, no /etc, no services', async () => {
    lab = await labWith({ name: 'centos', policy: 'nopasswd' });
    expect(lab.nodes[0]!.ssh.user).toBe('centos');
    client = await connectTo(lab.nodes[0]!, lab.clientPrivateKey!);
    const shell = await FramedShell.open(client);
    expect(await shell.run('id -u; whoami; pwd')).toMatchObject({ stdout: '1000\ncentos\n/home/centos\n', exitCode: 0 });
    expect(await shell.run('yum install -y wget')).toMatchObject({ exitCode: 1, stderr: 'You need to be root to perform this command.\n' });
    expect(await shell.run('echo x > /etc/opsprint-test')).toMatchObject({
      exitCode: 1,
      stderr: expect.stringMatching(/[Pp]ermission denied/),
    });
    expect(await shell.run('cat /etc/sudoers')).toMatchObject({ exitCode: 1 });
    expect(await shell.run('systemctl stop sshd')).toMatchObject({
      exitCode: 1,
      stderr: expect.stringContaining('Interactive authentication required'),
    });
    expect(await shell.run('echo mine > /tmp/mine && stat -c %U /tmp/mine')).toMatchObject({ stdout: 'centos\n', exitCode: 0 });
    expect(await shell.run('su -s /bin/sh -c id keystone')).toMatchObject({ exitCode: 1 });
    await shell.end();
  });

  it("with NOPASSWD sudo runs the executor's steps as root and installs uploaded files with their owner and mode", async () => {
    lab = await labWith({ name: 'centos', policy: 'nopasswd' });
    executor = new SshExecutor({ connectTimeoutMs: 5000 });
    const session = await executor.session(targetOf(lab));
    expect(await session.run('id -u; whoami; echo "$HOME"')).toMatchObject({ stdout: '0\nroot\n/root\n', exitCode: 0 });
    expect(await session.run(USE_VAULT_REPOSITORIES)).toMatchObject({ exitCode: 0 });
    expect(await session.run('yum install -y openstack-keystone >/dev/null && rpm -q openstack-keystone')).toMatchObject({ exitCode: 0 });
    await session.upload('/etc/keystone/keystone.conf', '[DEFAULT]\nadmin_token = x\n', {
      mode: '0640',
      owner: 'root',
      group: 'keystone',
      backup: false,
    });
    expect(await session.run("stat -c '%U:%G %a' /etc/keystone/keystone.conf; cat /etc/keystone/keystone.conf; ls /tmp")).toMatchObject({
      stdout: 'root:keystone 640\n[DEFAULT]\nadmin_token = x\n',
      exitCode: 0,
    });
  });

  it('stages uploads where the user may write, and nowhere else', async () => {
    lab = await labWith({ name: 'centos', policy: 'nopasswd' });
    client = await connectTo(lab.nodes[0]!, lab.clientPrivateKey!);
    const sftp = await sftpOf(client);
    const write = (path: string) =>
      new Promise<Error | undefined>((resolve) => sftp.writeFile(path, 'data', { mode: 0o600 }, (error) => resolve(error ?? undefined)));
    expect(await write('/tmp/staged')).toBeUndefined();
    expect(await write('notes.txt')).toBeUndefined();
    expect((await write('/etc/keystone.conf'))?.message).toMatch(/[Pp]ermission denied/);
    expect(await execOn(client, "stat -c '%U %a' /tmp/staged /home/centos/notes.txt")).toMatchObject({
      stdout: 'centos 600\ncentos 600\n',
    });
  });

  it.each<[string, SudoUser, string]>([
    ['asks for a password (member of wheel)', { name: 'centos', policy: 'password' }, 'sudo: a password is required'],
    ['has no sudo rule at all', { name: 'centos', policy: 'none' }, 'sudo: a password is required'],
    [
      'needs a terminal (Defaults requiretty)',
      { name: 'centos', policy: 'nopasswd', requiretty: true },
      'sudo: sorry, you must have a tty to run sudo',
    ],
  ])('refuses the sudo shell cleanly when the user %s', async (_case, sudoUser, message) => {
    lab = await labWith(sudoUser);
    client = await connectTo(lab.nodes[0]!, lab.clientPrivateKey!);
    const shell = await FramedShell.open(client, 'sudo -n bash --noprofile --norc -s');
    await expect(shell.readUntil('never printed')).rejects.toThrow('closed');
    expect(await execOn(client, 'sudo -n id -u')).toEqual({ stdout: '', stderr: `${message}\n`, exitCode: 1 });

    // The executor names the cause and what to change, and does not retry it as a lost connection.
    executor = new SshExecutor({ connectTimeoutMs: 5000 });
    const session = await executor.session(targetOf(lab));
    const refused = await session.run('id -u').catch((error: unknown) => error as SshError);
    expect(refused).toBeInstanceOf(SshError);
    expect(refused).toMatchObject({ code: 'privilege', transient: false });
    expect((refused as SshError).message).toContain(`answered "${message}"`);
    expect((refused as SshError).message).toContain('NOPASSWD');
  });
});
