import { Command, type CommanderError, InvalidArgumentError } from 'commander';

/**
 * The argument parsing every entry point shares (npm scripts and the `opsprint` CLI): `--help`
 * prints the usage and exits 0; an unknown flag, a missing or bad value prints the usage line
 * and one line naming the problem, and exits 2. Never a stack trace.
 */
export const USAGE_ERROR_EXIT_CODE = 2;

const NOT_ERRORS = new Set(['commander.helpDisplayed', 'commander.version']);

const labels = new WeakMap<Command, string>();

/** `name` is what the operator types (`npm run demo --`); `label` starts the error line (`demo: …`). */
export function commandLine(name: string, description: string, label = name): Command {
  const command = new Command(name).description(description).helpOption('-h, --help', 'show this help').allowExcessArguments(false);
  labels.set(command, label);
  return command;
}

/**
 * Parses argv; call once the whole command tree is declared. Every (sub)command reports its own
 * usage line, so the error names the command the operator actually typed.
 */
export async function parseCommandLine(program: Command, argv: string[] = process.argv.slice(2)): Promise<Command> {
  for (const command of allCommands(program)) {
    command.configureOutput({ outputError: () => undefined });
    command.exitOverride((error: CommanderError) => {
      if (NOT_ERRORS.has(error.code)) process.exit(0);
      // A command that needs a subcommand has printed its full help already.
      if (error.code === 'commander.help') process.exit(USAGE_ERROR_EXIT_CODE);
      usageError(command, error.message.replace(/^error: /, ''));
    });
  }
  return program.parseAsync(argv, { from: 'user' });
}

/** Prints `Usage: …` and `<command>: <problem>` to stderr and exits 2. */
export function usageError(command: Command, problem: string): never {
  const root = rootOf(command);
  const subcommands: string[] = [];
  for (let current: Command | null = command; current && current !== root; current = current.parent) subcommands.unshift(current.name());
  const label = [labels.get(root) ?? root.name(), ...subcommands].join(' ');
  process.stderr.write(`Usage: ${commandPath(command)} ${command.usage()}\n${label}: ${problem}\n`);
  process.stderr.write(`Run \`${commandPath(command)} --help\` for the options.\n`);
  process.exit(USAGE_ERROR_EXIT_CODE);
}

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let current: Command | null = command; current; current = current.parent) names.unshift(current.name());
  return names.join(' ');
}

function rootOf(command: Command): Command {
  let root = command;
  while (root.parent) root = root.parent;
  return root;
}

function allCommands(command: Command): Command[] {
  return [command, ...command.commands.flatMap((child) => allCommands(child as Command))];
}

/** An option parser for whole numbers in [min, max]: `--port abc` is refused with the range. */
export function integerIn(min: number, max: number): (value: string) => number {
  return (value: string) => {
    const number = /^-?\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(number) || number < min || number > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    }
    return number;
  };
}

/** A comma-separated list with no empty items: `--phases base,mariadb`. */
export function commaList(value: string): string[] {
  const items = value.split(',').map((item) => item.trim());
  if (items.length === 0 || items.some((item) => item === '')) throw new InvalidArgumentError('expected a comma-separated list, e.g. a,b');
  return items;
}

export { InvalidArgumentError };
