/**
 * python-openstackclient 1.7 (Liberty): global `--os-*` options or OS_* variables,
 * admin-token or password authentication against Keystone, then one command.
 */
import { ApiError } from './api-errors.js';
import { type OptionKind, parseArgs, UsageError } from './cli-args.js';
import { FORMAT_ALIASES, LIST_FORMAT_OPTIONS, renderOutput } from './cliff-output.js';
import type { Cloud } from './cloud.js';
import { type CliContext, type CliResult, fail, ok } from './host-port.js';
import type { OpenstackCommand } from './openstack-command.js';
import { IDENTITY_COMMANDS } from './openstack-identity.js';
import { RESOURCE_COMMANDS } from './openstack-resources.js';
import { authenticate, settings, splitGlobals } from './client-auth.js';

const COMMANDS: OpenstackCommand[] = [...IDENTITY_COMMANDS, ...RESOURCE_COMMANDS];

function matchCommand(words: string[]): { command: OpenstackCommand; args: string[] } | undefined {
  const candidates = COMMANDS.filter((c) => {
    const parts = c.words.split(' ');
    return parts.every((part, i) => words[i] === part);
  }).sort((a, b) => b.words.length - a.words.length);
  const command = candidates[0];
  return command && { command, args: words.slice(command.words.split(' ').length) };
}

function commandSpec(command: OpenstackCommand): { options: Record<string, OptionKind>; aliases: Record<string, string> } {
  const formatting =
    command.output === 'none'
      ? {}
      : command.output === 'list'
        ? LIST_FORMAT_OPTIONS
        : { '-f': 'value' as const, '-c': 'multi' as const, '--prefix': 'value' as const };
  return { options: { ...formatting, ...command.options }, aliases: FORMAT_ALIASES };
}

function usage(words: string, message: string): CliResult {
  return fail(`usage: openstack ${words} [-h] ...\nopenstack ${words}: error: ${message}`, 2);
}

const HELP = `usage: openstack [--version] [-v | -q] [--log-file LOG_FILE] [-h] [--debug]
                 [--os-auth-type <auth-type>] [--os-auth-url <auth-url>] ...

Commands:
${COMMANDS.map((c) => `  ${c.words}`).join('\n')}
`;

export function openstackCommand(cloud: Cloud) {
  return async (argv: string[], ctx: CliContext): Promise<CliResult> => {
    let split: { globals: Map<string, string>; rest: string[] };
    try {
      split = splitGlobals(argv);
    } catch (error) {
      return fail(`usage: openstack [--os-...] <command>\nopenstack: error: ${(error as Error).message}`, 2);
    }
    if (split.rest.length === 0 || split.rest[0] === 'help' || split.rest.includes('--help') || split.rest[0] === '-h') return ok(HELP);
    const matched = matchCommand(split.rest);
    if (!matched) {
      const words = split.rest
        .filter((w) => !w.startsWith('-'))
        .slice(0, 3)
        .join(' ');
      return fail(`openstack: '${words}' is not an openstack command. See 'openstack --help'.`, 2);
    }
    const { command, args } = matched;
    const setting = settings(split.globals, ctx.env);
    let parsed;
    try {
      parsed = parseArgs(args, commandSpec(command));
      if (command.identity && setting('--os-identity-api-version') !== '3' && parsed.values.has('--domain')) {
        throw new UsageError(`unrecognized arguments: --domain ${parsed.values.get('--domain')}`);
      }
    } catch (error) {
      if (error instanceof UsageError) return usage(command.words, error.message);
      throw error;
    }
    try {
      const session = await authenticate(cloud, ctx, setting, command);
      const output = await command.run(parsed, { cloud, session, ctx });
      return ok(renderOutput(output, parsed));
    } catch (error) {
      if (error instanceof UsageError) return usage(command.words, error.message);
      if (error instanceof ApiError) return fail(error.withHttpSuffix());
      return fail((error as Error).message);
    }
  };
}
