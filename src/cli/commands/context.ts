import type { Command } from 'commander';
import { ApiClient } from '../api-client.js';
import { resolveConnection } from '../config.js';

/** The API client for the connection the command line, environment and login point at. */
export async function apiFor(command: Command): Promise<ApiClient> {
  const { url } = command.optsWithGlobals<{ url?: string }>();
  return new ApiClient(await resolveConnection({ url }));
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
