import type { Command } from 'commander';
import { commandLine } from '../common/command-line.js';
import { registerDeploy } from './commands/deploy.js';
import { registerListings } from './commands/listing.js';
import { registerLogin } from './commands/login.js';
import { registerLogs } from './commands/logs.js';
import { registerPreview } from './commands/preview.js';
import { registerTokens } from './commands/tokens.js';

const EXIT_CODES_HELP = `
Exit codes:
  0   done; a followed deployment succeeded
  1   the followed deployment failed
  2   bad command line (unknown flag, missing argument, bad value)
  3   the followed deployment was cancelled
  4   the service refused the request (400 bad input, 404 not found, 409 conflict)
  5   not logged in, token refused (401) or role too low (403)
  6   the service cannot be reached (connection refused, unknown host, timeout, log stream lost for 30 s)
  7   the service failed (HTTP 5xx)
  130 stopped following with Ctrl-C (the deployment goes on)

Connection: --url, else OPSPRINT_URL, else \`opsprint login\`; token: OPSPRINT_TOKEN, else \`opsprint login\`.`;

/** The `opsprint` command tree. */
export function buildProgram(): Command {
  const program = commandLine('opsprint', 'Drive OpSprint deployments from a terminal or a pipeline, through its REST API.')
    .option('--url <url>', 'service URL, e.g. http://opsprint.internal:3000 (default: OPSPRINT_URL, else the one you logged in to)')
    .addHelpText('after', EXIT_CODES_HELP);
  registerLogin(program);
  registerListings(program);
  registerDeploy(program);
  registerLogs(program);
  registerPreview(program);
  registerTokens(program);
  return program;
}
