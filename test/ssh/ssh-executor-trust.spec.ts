import { createServer, type AddressInfo } from 'node:net';
import { SshExecutor } from '../../src/infra/ssh/ssh-executor.js';
import { countLog, targetFor } from './fixtures.js';
import { generateClientKey, startSshd, type RunningSshd } from '../../lab/openssh/start-sshd.js';

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
      // The executor's own default outlasts this test's timeout: only the target's 500 ms can end the wait in time.
      const patient = new SshExecutor({ connectTimeoutMs: 600_000 });
      await expect(patient.session({ ...targetFor(sshd), port, connectTimeoutMs: 500 })).rejects.toMatchObject({
        code: 'connect',
        message: expect.stringContaining('handshake'),
      });
      await patient.closeAll();
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

describe('SshExecutor pool: a live connection serves only the credentials that opened it', () => {
  let sshd: RunningSshd;
  let other: RunningSshd;
  const executor = new SshExecutor();

  beforeAll(async () => {
    [sshd, other] = await Promise.all([startSshd(), startSshd()]);
    // An environment with the right credentials opens the pooled connection first.
    expect((await (await executor.session(targetFor(sshd))).run('echo first')).stdout).toBe('first\n');
  });
  afterAll(async () => {
    await executor.closeAll();
    await Promise.all([sshd?.stop(), other?.stop()]);
  });

  it('refuses a wrong private key for the same host and user, although a connection is open', async () => {
    const stranger = await generateClientKey();
    const wrongKey = targetFor(sshd, { privateKey: stranger.privateKey });
    await expect(executor.session(wrongKey)).rejects.toMatchObject({ code: 'auth' });
  });

  it('refuses a wrong pinned host key for the same host, although a connection is open', async () => {
    const wrongPin = targetFor(sshd, { hostKeyFingerprint: other.hostKeyFingerprint });
    await expect(executor.session(wrongPin)).rejects.toMatchObject({
      code: 'host-key',
      message: expect.stringContaining(`expected ${other.hostKeyFingerprint}`),
    });
  });

  it('refuses an unpinned target without trust-on-first-use, although a connection is open', async () => {
    await expect(executor.session(targetFor(sshd, { hostKeyFingerprint: undefined }))).rejects.toMatchObject({ code: 'host-key' });
  });

  it('the right credentials keep sharing the one connection they opened', async () => {
    const node = await executor.session(targetFor(sshd));
    expect((await node.run('echo again')).stdout).toBe('again\n');
    expect(countLog(sshd, /Accepted publickey/)).toBe(1); // one connection for the right credentials
  });

  it('a connection learned by trust-on-first-use is not handed to a target pinning another key', async () => {
    const tofu = targetFor(other, { hostKeyFingerprint: undefined, trustOnFirstUse: true });
    await (await executor.session(tofu)).run('true');
    const pinnedElsewhere = targetFor(other, { hostKeyFingerprint: sshd.hostKeyFingerprint });
    await expect(executor.session(pinnedElsewhere)).rejects.toMatchObject({ code: 'host-key' });
    // The right pin may share the connection: the presented key was checked against it.
    const pinned = targetFor(other, { hostKeyFingerprint: other.hostKeyFingerprint });
    expect((await (await executor.session(pinned)).run('echo pinned')).stdout).toBe('pinned\n');
  });
});
