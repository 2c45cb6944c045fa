import { parseCommandLine } from '../common/command-line.js';
import { CliError, EXIT } from './exit-codes.js';
import { buildProgram } from './program.js';

/** `opsprint`: every failure is one line on stderr and an exit code that says which kind it was. */
async function main(): Promise<void> {
  await parseCommandLine(buildProgram());
  // Idle keep-alive sockets must not hold the exit back.
  process.exit(process.exitCode ?? EXIT.ok);
}

main().catch((error: unknown) => {
  if (error instanceof CliError) {
    process.stderr.write(`opsprint: ${error.message}\n`);
    process.exit(error.exitCode);
  }
  process.stderr.write(`opsprint: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(EXIT.internal);
});
