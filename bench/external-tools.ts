/**
 * The tools the engine is compared with, run as a user would: Debian's `ansible-core`
 * (`ansible-playbook`, raw module, pipelining and ControlPersist on, forks = hosts) and `pssh`
 * (`parallel-ssh`, one run per step). Installed with apt when missing and we are root.
 */
import { execFile, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { SshTarget } from '../src/infra/ssh/executor.types.js';

const run = promisify(execFile);
const APT_PACKAGES: Record<string, string> = { 'ansible-playbook': 'ansible-core', 'parallel-ssh': 'pssh' };

async function onPath(program: string): Promise<boolean> {
  return run('sh', ['-c', `command -v ${program}`]).then(
    () => true,
    () => false,
  );
}

/**
 * Makes sure ansible-playbook and parallel-ssh exist: `apt-get install` when missing (as root).
 * Returns, per program, undefined when present or the reason it is not.
 */
export async function ensureTools(log: (line: string) => void): Promise<Record<string, string | undefined>> {
  const missing = [];
  for (const program of Object.keys(APT_PACKAGES)) if (!(await onPath(program))) missing.push(program);
  const result: Record<string, string | undefined> = {};
  if (missing.length === 0) return result;
  const packages = missing.map((p) => APT_PACKAGES[p]);
  if (process.getuid?.() === 0) {
    log(`installing ${packages.join(' ')} with apt-get (missing: ${missing.join(', ')})…`);
    try {
      await run('apt-get', ['install', '-y', '--no-install-recommends', ...packages], {
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      }).catch(async () => {
        await run('apt-get', ['update'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
        await run('apt-get', ['install', '-y', '--no-install-recommends', ...packages], {
          env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
        });
      });
    } catch (error) {
      log(`apt-get install failed: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  for (const program of missing)
    if (!(await onPath(program))) result[program] = `${program} missing: install it with \`sudo apt-get install ${APT_PACKAGES[program]}\``;
  return result;
}

/** A scratch directory with the client key and the hosts' pinned keys, for OpenSSH-based tools. */
class SshScratch {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), 'opsprint-bench-'));
  readonly key = path.join(this.dir, 'id');
  readonly knownHosts = path.join(this.dir, 'known_hosts');

  constructor(readonly targets: SshTarget[]) {
    writeFileSync(this.key, targets[0].privateKey.toString());
    chmodSync(this.key, 0o600);
    // Host keys are not checked here (the executor pins them; these tools would need ssh-keyscan first).
    writeFileSync(this.knownHosts, '');
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Runs a program, failing with its stderr's tail; a timeout kills its whole process group. */
function spawnChecked(program: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs: number }) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(program, args, { env: options.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let tail = '';
    const keep = (chunk: Buffer) => (tail = (tail + chunk.toString()).slice(-2000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // gone
      }
      reject(new Error(`${program} did not finish within ${options.timeoutMs / 1000} s`));
    }, options.timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`${program} exited with ${code}: ${tail.trim().split('\n').slice(-3).join(' | ')}`));
    });
  });
}

/** ansible-playbook, raw module, K tasks on N hosts; returns wall ms. */
export async function ansibleRun(targets: SshTarget[], steps: string[], timeoutMs: number): Promise<number> {
  const scratch = new SshScratch(targets);
  try {
    const inventory = [
      '[bench]',
      ...targets.map((t, i) => `h${i} ansible_host=${t.host} ansible_port=${t.port} ansible_user=${t.username}`),
    ].join('\n');
    writeFileSync(path.join(scratch.dir, 'hosts.ini'), `${inventory}\n`);
    const tasks = steps.map((step, i) => `    - name: step ${i + 1}\n      raw: ${JSON.stringify(step)}`).join('\n');
    writeFileSync(path.join(scratch.dir, 'play.yml'), `- hosts: bench\n  gather_facts: false\n  tasks:\n${tasks}\n`);
    writeFileSync(
      path.join(scratch.dir, 'ansible.cfg'),
      [
        '[defaults]',
        `forks = ${targets.length}`,
        'host_key_checking = False',
        `private_key_file = ${scratch.key}`,
        'interpreter_python = auto_silent',
        'retry_files_enabled = False',
        'stdout_callback = default',
        '[ssh_connection]',
        'pipelining = True',
        `ssh_args = -o ControlMaster=auto -o ControlPersist=60s -o UserKnownHostsFile=${scratch.knownHosts} -o StrictHostKeyChecking=no -o LogLevel=ERROR`,
        `control_path_dir = ${scratch.dir}/cp`,
        '',
      ].join('\n'),
    );
    const env = {
      ...process.env,
      ANSIBLE_CONFIG: path.join(scratch.dir, 'ansible.cfg'),
      ANSIBLE_LOCAL_TEMP: path.join(scratch.dir, 'tmp'),
    };
    const started = performance.now();
    await spawnChecked('ansible-playbook', ['-i', 'hosts.ini', 'play.yml'], { env, cwd: scratch.dir, timeoutMs });
    const wall = performance.now() - started;
    // ControlPersist masters outlive the run; end them so they do not load the next measurement.
    await run('sh', ['-c', `for s in ${scratch.dir}/cp/*; do [ -S "$s" ] && ssh -o ControlPath="$s" -O exit x 2>/dev/null; done; true`]);
    return wall;
  } finally {
    scratch.cleanup();
  }
}

/** parallel-ssh once per step (what a shell script around pssh does), N hosts at once; returns wall ms. */
export async function psshRun(targets: SshTarget[], steps: string[], timeoutMs: number): Promise<number> {
  const scratch = new SshScratch(targets);
  try {
    const hostsFile = path.join(scratch.dir, 'hosts');
    writeFileSync(hostsFile, `${targets.map((t) => `${t.username}@${t.host}:${t.port}`).join('\n')}\n`);
    const deadline = Date.now() + timeoutMs;
    const started = performance.now();
    for (const step of steps) {
      const args = ['-h', hostsFile, '-p', String(targets.length), '-t', '120', '-O', `IdentityFile=${scratch.key}`];
      args.push('-O', 'StrictHostKeyChecking=no', '-O', `UserKnownHostsFile=${scratch.knownHosts}`, '-O', 'LogLevel=ERROR', step);
      await spawnChecked('parallel-ssh', args, { timeoutMs: Math.max(1000, deadline - Date.now()) });
    }
    return performance.now() - started;
  } finally {
    scratch.cleanup();
  }
}
