/** How each Liberty client prints a failure (the exit status is 1 unless argparse refused the line). */
import { ApiError, ConnectionRefused, NotFoundByName } from './api-errors.js';
import { UsageError } from './cli-args.js';
import { type CliResult, fail } from './host-port.js';
import { EndpointNotFound } from './service-access.js';

const NOVA_ERROR_CLASS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  500: 'ClientException',
};

/** novaclient: `ERROR (<ExceptionClass>): <message>`. */
export function novaFailure(error: unknown): CliResult {
  if (error instanceof ApiError) return fail(`ERROR (${NOVA_ERROR_CLASS[error.status] ?? 'ClientException'}): ${error.withHttpSuffix()}`);
  if (error instanceof ConnectionRefused) return fail(`ERROR (ConnectFailure): ${error.message}`);
  if (error instanceof EndpointNotFound) return fail(`ERROR (EndpointNotFound): ${error.message}`);
  if (error instanceof NotFoundByName) return fail(`ERROR (CommandError): ${error.message}`);
  if (error instanceof UsageError) return fail(`ERROR (CommandError): ${error.message}`);
  return fail(`ERROR (CommandError): ${(error as Error).message}`);
}

/** neutronclient and glanceclient print the server's message alone. */
export function plainFailure(error: unknown): CliResult {
  if (error instanceof ApiError) return fail(error.withHttpSuffix());
  return fail((error as Error).message);
}

export function argparseFailure(program: string, subcommand: string, message: string): CliResult {
  return fail(`usage: ${program} ${subcommand} [...]\n${program} ${subcommand}: error: ${message}`, 2);
}

export function unknownSubcommand(program: string, subcommand: string, choices: string[]): CliResult {
  return fail(
    `usage: ${program} [--version] [--debug] [--os-... <value>] <subcommand> ...\n` +
      `${program}: error: argument <subcommand>: invalid choice: u'${subcommand}' (choose from ${choices.map((c) => `'${c}'`).join(', ')})`,
    2,
  );
}
