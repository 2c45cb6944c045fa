/** N real sshd instances on loopback, each with its own host key; killed together, also on a crash. */
import type { SshTarget } from '../src/infra/ssh/executor.types.js';
import { generateClientKey, startSshd, type RunningSshd } from '../lab/openssh/start-sshd.js';

export interface SshdFleet {
  targets: SshTarget[];
  stop(): Promise<void>;
}

export async function startFleet(size: number, batch = 10): Promise<SshdFleet> {
  const clientKey = await generateClientKey();
  const servers: RunningSshd[] = [];
  // A synchronous last resort: 'exit' handlers cannot await. Connection children die with our sockets.
  const onExit = () => {
    for (const server of servers) tryKill(server.pid);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    onExit();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.on('exit', onExit);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const stop = async () => {
    await Promise.all(servers.map((server) => server.stop()));
    process.off('exit', onExit);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  try {
    for (let start = 0; start < size; start += batch) {
      const count = Math.min(batch, size - start);
      const started = await Promise.allSettled(Array.from({ length: count }, () => startSshd({ logLevel: 'ERROR', clientKey })));
      for (const result of started) if (result.status === 'fulfilled') servers.push(result.value);
      const failed = started.find((result) => result.status === 'rejected');
      if (failed) throw (failed as PromiseRejectedResult).reason;
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    targets: servers.map((server, index) => ({
      name: `bench-${index}`,
      host: server.host,
      port: server.port,
      username: server.username,
      privateKey: server.clientPrivateKey,
      hostKeyFingerprint: server.hostKeyFingerprint,
      connectTimeoutMs: 30_000,
    })),
    stop,
  };
}

function tryKill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
