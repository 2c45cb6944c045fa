import { createServer, type AddressInfo } from 'node:net';
import { SshExecutor } from '../../src/workers/executor/ssh-executor.js';
import { countLog, targetFor } from './fixtures.js';
import { generateClientKey, startSshd, type RunningSshd } from './start-sshd.js';

describe('SshExecutor host-key pinning and authentication', () => {
  let sshd: RunningSshd;
  let other: RunningSshd;
  const executor = new SshExecutor();

  beforeAll(async () => {
    [sshd, other] = await Promise.all([startSshd(), startSshd()]);
  });
  afterAll(async () => {
    await executor.closeAll();
    await Promise.all([sshd?.stop(), other?.stop()]);
  });

  it('refuses a host whose key is not the pinned one, naming both fingerprints', async () => {
    const error = await executor.session(targetFor(sshd, { hostKeyFingerprint: other.hostKeyFingerprint })).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'SshError', code: 'host-key', transient: false });
    expect((error as Error).message).toContain(`expected ${other.hostKeyFingerprint}`);
    expect((error as Error).message).toContain(`presented ${sshd.hostKeyFingerprint}`);
    expect(countLog(sshd, /Accepted publickey/)).toBe(0); // refused before authenticating
  });

  it('refuses an unpinned host when trust-on-first-use is off', async () => {
    const target = targetFor(sshd, { hostKeyFingerprint: undefined });
    await expect(executor.session(target)).rejects.toMatchObject({
      code: 'host-key',
      message: expect.stringContaining(`no host key fingerprint pinned (presented ${sshd.hostKeyFingerprint})`),
    });
  });

  it('with trust-on-first-use, accepts an unpinned host and records its fingerprint', async () => {
    const learned: string[] = [];
    const target = targetFor(other, {
      hostKeyFingerprint: undefined,
      trustOnFirstUse: true,
      onHostKeyLearned: async (fingerprint) => {
        learned.push(fingerprint);
      },
    });
    const node = await executor.session(target);
    expect(learned).toEqual([other.hostKeyFingerprint]);
    expect((await node.run('echo trusted')).stdout).toBe('trusted\n');
  });

  it('does not proceed when the learned fingerprint cannot be recorded', async () => {
    const fresh = new SshExecutor();
    const target = targetFor(sshd, {
      hostKeyFingerprint: undefined,
      trustOnFirstUse: true,
      onHostKeyLearned: () => Promise.reject(new Error('inventory is read-only')),
    });
    await expect(fresh.session(target)).rejects.toMatchObject({ code: 'host-key', message: expect.stringContaining('read-only') });
    await fresh.closeAll();
  });

  it('reports a key the node does not accept as an auth error', async () => {
    const stranger = await generateClientKey();
    await expect(executor.session(targetFor(sshd, { privateKey: stranger.privateKey }))).rejects.toMatchObject({
      code: 'auth',
      transient: false,
    });
  });

  it('reports a closed port as a transient connect error', async () => {
    const closed = { ...targetFor(sshd), port: 1 };
    await expect(executor.session(closed)).rejects.toMatchObject({ code: 'connect', transient: true });
  });

  it('gives up on a host that accepts TCP but never speaks SSH after connectTimeoutMs', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as AddressInfo).port;
      const started = Date.now();
      await expect(executor.session({ ...targetFor(sshd), port, connectTimeoutMs: 500 })).rejects.toMatchObject({
        code: 'connect',
        message: expect.stringContaining('handshake'),
      });
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      silent.close();
    }
  });

  it('names the field of a malformed target', async () => {
    await expect(executor.session({ ...targetFor(sshd), port: 0 })).rejects.toThrow(/port must be 1-65535, got 0/);
    await expect(executor.session({ ...targetFor(sshd), privateKey: 'not a key' })).rejects.toMatchObject({
      code: 'auth',
      message: expect.stringContaining('target.privateKey'),
    });
  });
});
