/**
 * argparse-like parsing for the simulated clients: `--opt value`, `--opt=value`, flags,
 * repeatable options, positionals. Negative numbers (`-1` in secgroup rules) are positionals.
 */

export type OptionKind = 'value' | 'flag' | 'multi';

/** Option names (with dashes) → kind; aliases map several names to one key via `key` in `aliases`. */
export interface ArgSpec {
  options: Record<string, OptionKind>;
  aliases?: Record<string, string>;
}

export interface ParsedArgs {
  values: Map<string, string>;
  multi: Map<string, string[]>;
  flags: Set<string>;
  positionals: string[];
}

/** A command line the client's argparse would reject (exit status 2). */
export class UsageError extends Error {}

export function parseArgs(args: readonly string[], spec: ArgSpec): ParsedArgs {
  const parsed: ParsedArgs = { values: new Map(), multi: new Map(), flags: new Set(), positionals: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('-') || /^-\d/.test(arg) || arg === '-') {
      parsed.positionals.push(arg);
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const given = eq > 0 ? arg.slice(0, eq) : arg;
    const name = spec.aliases?.[given] ?? given;
    const kind = spec.options[name];
    if (!kind) throw new UsageError(`unrecognized arguments: ${arg}`);
    if (kind === 'flag') {
      parsed.flags.add(name);
      continue;
    }
    let value: string | undefined;
    if (eq > 0) value = arg.slice(eq + 1);
    else if (i + 1 < args.length) value = args[++i];
    if (value === undefined) throw new UsageError(`argument ${given}: expected one argument`);
    if (kind === 'value') parsed.values.set(name, value);
    else parsed.multi.set(name, [...(parsed.multi.get(name) ?? []), value]);
  }
  return parsed;
}

/** Exactly `names.length` positionals, else argparse's complaint. */
export function requirePositionals(parsed: ParsedArgs, names: string[]): string[] {
  if (parsed.positionals.length < names.length) {
    throw new UsageError(`too few arguments (expected ${names.map((n) => `<${n}>`).join(' ')})`);
  }
  if (parsed.positionals.length > names.length) {
    throw new UsageError(`unrecognized arguments: ${parsed.positionals.slice(names.length).join(' ')}`);
  }
  return parsed.positionals;
}

export function requireOption(parsed: ParsedArgs, name: string): string {
  const value = parsed.values.get(name);
  if (value === undefined) throw new UsageError(`argument ${name} is required`);
  return value;
}
