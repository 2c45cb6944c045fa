import { Bash, decodeBytesToUtf8, defineCommand, type Command } from 'just-bash';
import type { CommandRegistry, LabCommandResult, LabHost } from './lab-host.js';
import { SHELL_PID } from './centos-layout.js';
import type { FaultAction } from './faults.js';
import { MINIMAL_BUILTINS } from './commands/index.js';
import { runAs } from './identity.js';
import { ownerAwareCommands } from './owner-tracking.js';
import { PermissionFs } from './permission-fs.js';
import { commandContext } from './command-context.js';

/** The SSH channel a command runs for: faults use it to hang until it closes or to cut its connection. */
export interface ChannelContext {
  node: string;
  /** The login user of the channel's connection (root unless the lab was started with a sudo user), after any sudo prefix. */
  user?: string;
  /** Whether the session asked for a terminal. */
  tty?: boolean;
  /** Resolves when the channel or its connection is gone. */
  closed: Promise<void>;
  signal: AbortSignal;
  dropConnection(): void;
}

export interface FaultSource {
  take(node: string, script: string): FaultAction | undefined;
}

export interface ShellResult extends LabCommandResult {
  env: Record<string, string>;
}

const channelStore = commandContext<ChannelContext>();

const BASE_ENV = {
  HOME: '/root',
  USER: 'root',
  LOGNAME: 'root',
  SHELL: '/bin/bash',
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/root/bin',
  LANG: 'en_US.UTF-8',
};

/** Apply an injected fault to a command: answer for it, hang, hold it until released, or cut the connection. */
async function applyFault(action: FaultAction, channel: ChannelContext, run: () => Promise<LabCommandResult>): Promise<LabCommandResult> {
  if (action.kind === 'fail')
    return { stdout: '', stderr: action.stderr.endsWith('\n') ? action.stderr : `${action.stderr}\n`, exitCode: action.exitCode };
  if (action.kind === 'hold') {
    const closed = await Promise.race([action.released.then(() => false), channel.closed.then(() => true)]);
    return closed ? { stdout: '', stderr: '', exitCode: 255 } : run();
  }
  const result = action.kind === 'drop' && action.afterRun ? await run() : undefined;
  if (action.kind === 'drop') channel.dropConnection();
  await channel.closed;
  return result ?? { stdout: '', stderr: '', exitCode: 255 };
}

/** One node's bash: just-bash over the node's filesystem, plus the lab's CentOS and OpenStack commands. */
export class NodeShell {
  private readonly bash: Bash;

  constructor(
    private readonly host: LabHost,
    registry: CommandRegistry,
    cloud: unknown,
    private readonly faults?: FaultSource,
  ) {
    const custom: Command[] = registry.entries().map(([name, handler]) =>
      defineCommand(name, async (args, ctx) => {
        const env = ctx.exportedEnv ?? Object.fromEntries(ctx.env);
        return handler(args, {
          host,
          cloud,
          stdin: decodeBytesToUtf8(ctx.stdin),
          env,
          cwd: ctx.cwd,
          fs: ctx.fs,
          exec: (line, options) => ctx.exec!(line, { cwd: ctx.cwd, stdin: options?.stdin, env: options?.env, signal: ctx.signal }),
        });
      }),
    );
    // A subshell is where the executor's step script runs, so that is where faults are matched.
    const subshell = (name: string) =>
      defineCommand(name, async (args, ctx) => {
        const script = args[args.indexOf('-c') + 1];
        const channel = channelStore.getStore();
        const action = args.includes('-c') && script !== undefined && channel ? this.faults?.take(host.name, script) : undefined;
        if (action && channel) return applyFault(action, channel, () => ctx.origCommand!(args));
        return ctx.origCommand!(args);
      });
    // CentOS's GNU grep accepts the seed's `grep '^[a-Z]'` (locale collation); just-bash's regex engine does not.
    const localeGrep = (name: string) =>
      defineCommand(name, async (args, ctx) => ctx.origCommand!(args.map((a) => a.replaceAll('[a-Z]', '[a-zA-Z]'))));
    this.bash = new Bash({
      // Root passes every check; a login user other than root meets the permissions of a real host.
      fs: new PermissionFs(host),
      cwd: '/root',
      env: BASE_ENV,
      commands: [...MINIMAL_BUILTINS],
      customCommands: [...custom, subshell('bash'), subshell('sh'), localeGrep('grep'), localeGrep('egrep'), ...ownerAwareCommands(host)],
      processInfo: { pid: SHELL_PID, ppid: 2410, uid: 0, gid: 0 },
      // The lab runs our own runbook's scripts; just-bash's intrinsic patching per exec doubles the CPU of every step.
      defenseInDepth: false,
    });
  }

  /** Run a command line as root in /root (or `cwd`), fault-checked, with the channel in scope for nested commands. */
  async run(
    script: string,
    channel: ChannelContext,
    options: { env?: Record<string, string>; cwd?: string; faultFree?: boolean } = {},
  ): Promise<ShellResult> {
    const user = channel.user ?? 'root';
    const home = user === 'root' ? '/root' : `/home/${user}`;
    const login =
      user === 'root' ? {} : { HOME: home, USER: user, LOGNAME: user, PATH: '/usr/local/bin:/usr/bin:/usr/local/sbin:/usr/sbin' };
    const env: Record<string, string> = { ...BASE_ENV, ...login, HOSTNAME: this.host.hostname, ...options.env };
    const exec = async (): Promise<ShellResult> => {
      const identity = { user, tty: channel.tty ?? false };
      try {
        const result = await runAs(identity, () =>
          channelStore.run(channel, () =>
            this.bash.exec(script, { env, replaceEnv: true, cwd: options.cwd ?? env.PWD ?? home, signal: channel.signal, rawScript: true }),
          ),
        );
        return { stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode, env: result.env };
      } catch (error) {
        // just-bash lets a filesystem error of a redirection escape the whole script; bash reports it and fails the command.
        const denied = /^(EACCES|EPERM): [^,]*, (?:\w+ )?'(.*)'$/.exec(error instanceof Error ? error.message : '');
        if (!denied) throw error;
        return { stdout: '', stderr: `bash: ${denied[2]}: Permission denied\n`, exitCode: 1, env };
      }
    };
    const action = options.faultFree ? undefined : this.faults?.take(this.host.name, script);
    if (!action) return exec();
    const result = await applyFault(action, channel, exec);
    return { ...result, env };
  }
}
