/**
 * What the simulated cloud needs from a lab node (lab-infra's LabHost) and what its CLIs
 * see of a command invocation (a subset of LabCommandContext, so handlers register as is).
 */
import type { IFileSystem } from 'just-bash';
import type { LabHost } from '../lab-host.js';

/** The node facts the cloud reads: name, roles, address, files, systemd units, MariaDB catalog, RabbitMQ broker, file owners, packages. */
export type CloudHost = Pick<
  LabHost,
  | 'name'
  | 'roles'
  | 'managementIp'
  | 'fs'
  | 'isActive'
  | 'mysql'
  | 'owners'
  | 'packages'
  | 'rabbit'
  | 'bridges'
  | 'addressInterface'
  | 'onAddressMoved'
>;

export interface CliResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface CliContext {
  host: CloudHost;
  env: Record<string, string>;
  stdin: string;
  /** Working directory of the shell, for relative paths like `--file cirros.img`. */
  cwd: string;
  fs: IFileSystem;
}

export type CliHandler = (args: string[], ctx: CliContext) => Promise<CliResult>;

export function ok(stdout = '', stderr = ''): CliResult {
  return { stdout, stderr, exitCode: 0 };
}

export function fail(stderr: string, exitCode = 1, stdout = ''): CliResult {
  return { stdout, stderr: stderr.endsWith('\n') ? stderr : `${stderr}\n`, exitCode };
}

export function resolvePath(cwd: string, path: string): string {
  if (path.startsWith('/')) return path;
  const parts = `${cwd}/${path}`.split('/');
  const out: string[] = [];
  for (const part of parts) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`;
}

export async function readIfExists(fs: IFileSystem, path: string): Promise<string | undefined> {
  try {
    return await fs.readFile(path);
  } catch {
    return undefined;
  }
}
