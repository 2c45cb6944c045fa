import type { IFileSystem } from 'just-bash';
import type { NodeRole } from '../../src/runbooks/model.js';
import { MysqlState } from './commands/mysql-state.js';
import { RabbitState } from './commands/rabbitmq-state.js';
import { type LabInternet, PUBLIC_INTERNET } from './lab-internet.js';

/** What a lab command returns: the three things a process leaves behind. */
export interface LabCommandResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface LabCommandContext {
  host: LabHost;
  /** The shared cloud state (lab-cloud's `createCloud()`), opaque to host commands. */
  cloud: unknown;
  stdin: string;
  env: Record<string, string>;
  cwd: string;
  fs: IFileSystem;
  /** Run a command line on the same node (same filesystem, same custom commands). */
  exec(commandLine: string, options?: { stdin?: string; env?: Record<string, string> }): Promise<LabCommandResult>;
}

export type LabCommandHandler = (args: string[], ctx: LabCommandContext) => Promise<LabCommandResult>;

export interface ServiceState {
  enabled: boolean;
  active: boolean;
  /** Why the last start failed (what `systemctl status` shows), until a start succeeds. */
  failure?: string;
  since?: Date;
}

/** One simulated CentOS 7 machine: everything a command may read or change besides the filesystem. */
export class LabHost {
  hostname: string;
  timezone = 'America/New_York';
  selinux: 'Enforcing' | 'Permissive' | 'Disabled' = 'Enforcing';
  readonly packages = new Set<string>();
  readonly services = new Map<string, ServiceState>();
  /** Owner "user:group" by absolute path; the in-memory filesystem keeps modes but not owners. */
  readonly owners = new Map<string, string>();
  readonly mysql = new MysqlState();
  readonly rabbit = new RabbitState();
  /** Signing keys rpm has imported (yum imports a repository's key on its first install from it). */
  readonly importedGpgKeys = new Set<string>();
  /** What the host reaches over HTTP: repositories, keys, images (the lab's, with its test mirrors). */
  internet: LabInternet = PUBLIC_INTERNET;
  /** The interface holding the management address (the seed's layout: the provider interface too). */
  addressInterface = 'eth0';
  /** Linux bridges the Linux bridge agent made, by network id (brq + the first 11 characters of the id). */
  readonly bridges = new Map<string, string>();
  /**
   * Called when the agent moves the address of `addressInterface` onto a bridge: the lab node cuts
   * its SSH connections then, as the move does to sessions over that address on a real host.
   */
  onAddressMoved?: () => void;

  constructor(
    readonly name: string,
    readonly roles: NodeRole[],
    readonly managementIp: string,
    readonly fs: IFileSystem,
  ) {
    this.hostname = name;
  }

  /** The same question under the name lab-cloud's `CloudHost` asks it. */
  isServiceActive(unit: string): boolean {
    return this.isActive(unit);
  }

  /** Is the systemd unit ("httpd" or "httpd.service") running now? */
  isActive(unit: string): boolean {
    return this.services.get(unit.replace(/\.service$/, ''))?.active === true;
  }
}

/** Commands a lab node knows beyond just-bash's built-ins; host tools and lab-cloud's OpenStack CLIs register here. */
export class CommandRegistry {
  private readonly handlers = new Map<string, LabCommandHandler>();

  register(name: string, handler: LabCommandHandler): void {
    if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new Error(`command name: invalid "${name}"`);
    this.handlers.set(name, handler);
  }

  get(name: string): LabCommandHandler | undefined {
    return this.handlers.get(name);
  }

  entries(): [string, LabCommandHandler][] {
    return [...this.handlers.entries()];
  }
}

export const ok = (stdout = ''): LabCommandResult => ({ stdout, stderr: '', exitCode: 0 });
export const fail = (stderr: string, exitCode = 1): LabCommandResult => ({
  stdout: '',
  stderr: stderr.endsWith('\n') ? stderr : `${stderr}\n`,
  exitCode,
});
