/**
 * A real OpenSSH sshd on loopback, for the executor's integration tests and the benchmark.
 * Host key and client key are generated per instance in a temp dir; nothing system-wide is touched
 * except /run/sshd (sshd's privilege-separation dir), created when missing.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
export const SSHD_PATH = '/usr/sbin/sshd';

export interface StartSshdOptions {
  /** Loopback port; a free one is picked when omitted. */
  port?: number;
  /** INFO by default; VERBOSE logs every session ("Starting session: command …"), which tests count. */
  logLevel?: 'ERROR' | 'INFO' | 'VERBOSE';
  /** Reuse this client key pair instead of generating one (the benchmark shares one across hosts). */
  clientKey?: { privateKey: string; publicKey: string };
}

export interface RunningSshd {
  host: string;
  port: number;
  username: string;
  clientPrivateKey: string;
  clientPublicKey: string;
  /** The host key's fingerprint as `ssh-keygen -l -E sha256` prints it. */
  hostKeyFingerprint: string;
  pid: number;
  /** Everything sshd wrote to stderr so far (its log, because of -e). */
  log(): string;
  /** Pids of the per-connection sshd processes (children of the listener). */
  connectionPids(): Promise<number[]>;
  stop(): Promise<void>;
}

export async function startSshd(options: StartSshdOptions = {}): Promise<RunningSshd> {
  if (!existsSync(SSHD_PATH)) {
    throw new Error(`${SSHD_PATH} not found: install OpenSSH's server (apt-get update && apt-get install -y openssh-server)`);
  }
  if (!existsSync('/run/sshd')) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const dir = await mkdtemp(join(tmpdir(), 'opsprint-sshd-'));
  const port = options.port ?? (await freePort());
  const hostKeyPath = join(dir, 'host_ed25519');
  await execFileAsync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'opsprint-test-host', '-f', hostKeyPath]);
  const clientKey = options.clientKey ?? (await generateClientKey(dir));
  await writeFile(join(dir, 'authorized_keys'), clientKey.publicKey, { mode: 0o600 });
  const { stdout: fpLine } = await execFileAsync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${hostKeyPath}.pub`]);
  const hostKeyFingerprint = fpLine.split(' ')[1];

  const configPath = join(dir, 'sshd_config');
  await writeFile(
    configPath,
    [
      `ListenAddress 127.0.0.1:${port}`,
      `HostKey ${hostKeyPath}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PermitRootLogin prohibit-password',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'StrictModes no',
      'UsePAM no',
      'PrintMotd no',
      'Subsystem sftp internal-sftp',
      'MaxStartups 200',
      `LogLevel ${options.logLevel ?? 'INFO'}`,
      '',
    ].join('\n'),
  );

  const child = spawn(SSHD_PATH, ['-D', '-e', '-f', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
  try {
    await waitListening(child, port, () => log);
  } catch (error) {
    await killTree(child.pid);
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  let stopped = false;
  return {
    host: '127.0.0.1',
    port,
    username: userInfo().username,
    clientPrivateKey: clientKey.privateKey,
    clientPublicKey: clientKey.publicKey,
    hostKeyFingerprint,
    pid: child.pid!,
    log: () => log,
    connectionPids: () => childPids(child.pid!),
    async stop() {
      if (stopped) return;
      stopped = true;
      await killTree(child.pid);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function generateClientKey(dir?: string): Promise<{ privateKey: string; publicKey: string }> {
  const keyDir = dir ?? (await mkdtemp(join(tmpdir(), 'opsprint-key-')));
  const keyPath = join(keyDir, 'client_ed25519');
  await execFileAsync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'opsprint-test-client', '-f', keyPath]);
  const key = { privateKey: await readFile(keyPath, 'utf8'), publicKey: await readFile(`${keyPath}.pub`, 'utf8') };
  if (!dir) await rm(keyDir, { recursive: true, force: true });
  return key;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitListening(child: ChildProcess, port: number, log: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = `exited with ${code ?? signal}`));
  child.once('error', (error) => (exited = `failed to start: ${error.message}`));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`sshd on port ${port} ${exited}: ${log().trim()}`);
    if (await canConnect(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`sshd did not listen on 127.0.0.1:${port} within 10 s: ${log().trim()}`);
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function childPids(pid: number): Promise<number[]> {
  try {
    const { stdout } = await execFileAsync('pgrep', ['-P', String(pid)]);
    return stdout.split('\n').filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

/** sshd's per-connection children call setsid(), so a process-group kill would miss them. */
export async function killTree(pid: number | undefined): Promise<void> {
  if (!pid) return;
  for (const child of await childPids(pid)) await killTree(child);
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
