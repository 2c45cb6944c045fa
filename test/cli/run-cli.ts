import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface CliRun {
  child: ChildProcess;
  /** Everything written so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves when stdout has matched `pattern` (rejects if the process ends first). */
  waitForOutput(pattern: RegExp): Promise<RegExpMatchArray>;
  /** The exit code, once the process has ended. */
  exited: Promise<number>;
}

const running = new Set<ChildProcess>();

/** Ends the CLI processes a failed test left behind, so the service and the lab can close. */
export function killLeftoverCliProcesses(): void {
  for (const child of running) child.kill('SIGKILL');
}

/** `opsprint …` as an operator runs it: the package's bin script in its own process, stdout a pipe. */
export function startCli(args: string[], env: Record<string, string>, input?: string): CliRun {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/opsprint.mjs'), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  running.add(child);
  let out = '';
  let err = '';
  const waiters: { pattern: RegExp; resolve: (m: RegExpMatchArray) => void; reject: (e: Error) => void }[] = [];
  const check = () => {
    for (const waiter of [...waiters]) {
      const match = out.match(waiter.pattern);
      if (match) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(match);
      }
    }
  };
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    check();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<number>((resolve) =>
    child.on('close', (code, signal) => {
      running.delete(child);
      for (const waiter of waiters.splice(0))
        waiter.reject(
          new Error(`opsprint ${args.join(' ')} ended (${code ?? signal}) before ${waiter.pattern}; stdout:\n${out}\nstderr:\n${err}`),
        );
      resolve(code ?? 128);
    }),
  );
  child.stdin!.end(input ?? '');
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForOutput: (pattern) =>
      new Promise((resolve, reject) => {
        waiters.push({ pattern, resolve, reject });
        check();
      }),
  };
}

/** Runs `opsprint …` to the end. */
export async function runCli(
  args: string[],
  env: Record<string, string>,
  input?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const run = startCli(args, env, input);
  const code = await run.exited;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}
