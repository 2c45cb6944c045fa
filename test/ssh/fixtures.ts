import type { SshTarget } from '../../src/infra/ssh/executor.types.js';
import type { RunningSshd } from '../../lab/openssh/start-sshd.js';

/** The target an inventory would hold for this sshd, host key pinned. */
export function targetFor(sshd: RunningSshd, overrides: Partial<SshTarget> = {}): SshTarget {
  return {
    name: `node-${sshd.port}`,
    host: sshd.host,
    port: sshd.port,
    username: sshd.username,
    privateKey: sshd.clientPrivateKey,
    hostKeyFingerprint: sshd.hostKeyFingerprint,
    connectTimeoutMs: 10_000,
    ...overrides,
  };
}

/** Lines of sshd's log that match, e.g. one "Accepted publickey" per TCP connection. */
export function countLog(sshd: RunningSshd, pattern: RegExp): number {
  return sshd
    .log()
    .split('\n')
    .filter((line) => pattern.test(line)).length;
}

export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
