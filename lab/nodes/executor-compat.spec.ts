import { SshExecutor } from '../../src/infra/ssh/ssh-executor.js';
import type { SshTarget } from '../../src/infra/ssh/executor.types.js';
import { startLab, type Lab } from './lab.js';
import { USE_VAULT_REPOSITORIES } from './vault-repositories.js';

/** The production executor, unchanged, driving lab nodes: what it sees must be what a real host shows. */
describe('the SSH executor against lab nodes', () => {
  let lab: Lab;
  let executor: SshExecutor;
  const target = (index: number): SshTarget => {
    const node = lab.nodes[index]!;
    return {
      name: node.name,
      host: node.ssh.host,
      port: node.ssh.port,
      username: node.ssh.user,
      privateKey: lab.clientPrivateKey!,
      hostKeyFingerprint: node.ssh.hostKeyFingerprint,
    };
  };

  beforeEach(async () => {
    lab = await startLab({ computeNodes: 1 });
    executor = new SshExecutor({ connectTimeoutMs: 5000 });
    const session = await executor.session(target(0));
    expect(await session.run(USE_VAULT_REPOSITORIES)).toMatchObject({ exitCode: 0 });
  });

  afterEach(async () => {
    await executor.closeAll();
    await lab.stop();
  });

  it('runs steps with pinned host keys and keeps exit codes and streams apart', async () => {
    const session = await executor.session(target(0));
    expect(await session.run('yum install -y chrony >/dev/null && systemctl is-active chronyd')).toMatchObject({
      exitCode: 0,
      stdout: 'active\n',
      stderr: '',
    });
    expect(await session.run('systemctl start nosuch')).toMatchObject({
      exitCode: 5,
      stderr: 'Failed to start nosuch.service: Unit nosuch.service not found.\n',
    });
    expect(await session.run("cat > /tmp/x <<'EOF'\nline one\nEOF\nwc -l < /tmp/x")).toMatchObject({ exitCode: 0, stdout: '1\n' });
  });

  it('uploads a file with owner, mode and a backup of the previous version', async () => {
    const session = await executor.session(target(0));
    await session.run('yum install -y openstack-keystone >/dev/null');
    const first = await session.upload('/etc/keystone/keystone.conf', '[DEFAULT]\nadmin_token = x\n', {
      mode: '0640',
      owner: 'root',
      group: 'keystone',
      backup: true,
    });
    expect(first.backupPath).toMatch(/^\/var\/lib\/opsprint\/backups\/etc\/keystone\/keystone\.conf\..*\.bak$/);
    const check = await session.run(
      `stat -c '%a %U %G' /etc/keystone/keystone.conf; cat /etc/keystone/keystone.conf; grep -c '^\\[' ${first.backupPath}`,
    );
    expect(check.stdout).toBe('640 root keystone\n[DEFAULT]\nadmin_token = x\n11\n');
    // The copy of the previous version is root-only and not beside the file.
    expect((await session.run("stat -c '%a %U' /var/lib/opsprint/backups; ls /etc/keystone")).stdout).toBe(
      '700 root\nkeystone-paste.ini\nkeystone.conf\n',
    );
  });

  it('reports a step that outlives its timeout and keeps the node usable', async () => {
    lab.faults.hangCommand('long-running-migration');
    const session = await executor.session(target(1));
    await expect(session.run('echo long-running-migration', { timeoutMs: 300 })).rejects.toMatchObject({ code: 'timeout' });
    expect(await session.run('hostname')).toMatchObject({ exitCode: 0, stdout: 'linux-node2.example.com\n' });
  });

  it('refuses a node whose host key does not match the pinned fingerprint', async () => {
    const wrong = { ...target(1), hostKeyFingerprint: lab.nodes[0]!.ssh.hostKeyFingerprint };
    await expect(executor.session(wrong)).rejects.toMatchObject({ code: 'host-key' });
  });

  it('says a new shell that does not answer is held at login, not that a step timed out', async () => {
    const impatient = new SshExecutor({ connectTimeoutMs: 5000, shellStartTimeoutMs: 500 });
    // The first thing a new shell runs is the probe of its pid: held, as by a login script that waits.
    const held = lab.faults.hangCommand('read -r _ _ _ _ group', { node: lab.nodes[1]!.name });
    try {
      const session = await impatient.session(target(1));
      const error = await session.run('true').catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'timeout', node: lab.nodes[1]!.name });
      expect((error as Error).message).toMatch(
        new RegExp(
          `^${lab.nodes[1]!.name.replaceAll('.', '\\.')}: the new shell did not answer within 0\\.5 s, before any step ran\\. Something sshd runs at login`,
        ),
      );
      held.remove();
      // Nothing is left broken: the next shell answers.
      expect(await session.run('echo ok')).toMatchObject({ exitCode: 0, stdout: 'ok\n' });
    } finally {
      held.remove();
      await impatient.closeAll();
    }
  });
});
