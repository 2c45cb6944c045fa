/**
 * The two yardsticks for the executor, written against raw ssh2 on purpose (bench only; production
 * code reaches ssh2 through src/infra/ssh/ssh-executor.ts alone):
 * - limit: one live `bash -s` per host, each command followed by a bare end marker (no isolation,
 *   no stderr framing): about the cheapest way to run a command on a connected host.
 * - naive: a new exec channel per step, what most SSH tooling does.
 */
import { createHash } from 'node:crypto';
import { Socket } from 'node:net';
import { Client, type ClientChannel } from 'ssh2';
import type { SshTarget } from '../src/infra/ssh/executor.types.js';

export async function rawConnect(target: SshTarget): Promise<Client> {
  const client = new Client();
  const sock = new Socket();
  sock.setNoDelay(true);
  sock.connect(target.port, target.host);
  return new Promise((resolve, reject) => {
    client.once('ready', () => resolve(client));
    client.on('error', reject); // stays: a later error without a listener would crash the benchmark
    client.connect({
      sock,
      username: target.username,
      privateKey: target.privateKey,
      readyTimeout: target.connectTimeoutMs ?? 20_000,
      hostVerifier: (key: Buffer) =>
        `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}` === target.hostKeyFingerprint,
    });
  });
}

/** Runs the commands one after another in one live shell; returns each command's latency in ms. */
export async function limitRun(client: Client, commands: string[]): Promise<number[]> {
  const shell = await new Promise<ClientChannel>((resolve, reject) =>
    client.exec('bash --noprofile --norc -s', (error, channel) => (error ? reject(error) : resolve(channel))),
  );
  let buffer = '';
  let waiting: { marker: string; resolve: () => void } | undefined;
  shell.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    if (waiting && buffer.includes(waiting.marker)) {
      buffer = '';
      waiting.resolve();
    }
  });
  shell.stderr.on('data', () => undefined);
  const latencies: number[] = [];
  for (const [index, command] of commands.entries()) {
    const marker = `__END_${index}_`;
    const started = performance.now();
    await new Promise<void>((resolve) => {
      waiting = { marker, resolve };
      shell.write(`${command}; echo ${marker}$?\n`);
    });
    latencies.push(performance.now() - started);
  }
  shell.end();
  return latencies;
}

/** One exec channel per command, waiting for each to close. */
export async function naiveRun(client: Client, commands: string[]): Promise<number[]> {
  const latencies: number[] = [];
  for (const command of commands) {
    const started = performance.now();
    await new Promise<void>((resolve, reject) =>
      client.exec(command, (error, channel) => {
        if (error) return reject(error);
        channel.on('data', () => undefined);
        channel.stderr.on('data', () => undefined);
        channel.on('close', () => resolve());
      }),
    );
    latencies.push(performance.now() - started);
  }
  return latencies;
}
