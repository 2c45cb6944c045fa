import { commaList, commandLine, integerIn, parseCommandLine } from '../src/common/command-line.js';

const program = commandLine(
  'npm run demo --',
  'The main job on a fresh machine: simulated CentOS 7 nodes behind real SSH, the Atlassian sandbox and the service,\nthen a deployment of the OpenStack Liberty runbook through the REST API. Exits 0 only when every phase succeeded.',
  'demo',
)
  .option('--computes <n>', "compute nodes besides the controller (the seed's two-node shape is 1)", integerIn(1, 50), 1)
  .option('--phases <keys>', 'deploy only these phases, comma-separated (default: all 11)', commaList)
  .option('--dry-run', 'check mode: plan everything, run only the probes and verifications, change nothing', false)
  .option('--keep-running', 'leave the service, lab and sandbox running afterwards (Ctrl-C stops them)', false)
  .option('--port <port>', 'HTTP port of the service (default: $PORT, else 3000, else a free one)', integerIn(1, 65535))
  .addHelpText('after', '\nWith JIRA_* / CONFLUENCE_* set in the environment the demo talks to your instance instead of the sandbox.');

async function main(): Promise<number> {
  const options = (await parseCommandLine(program)).opts<{
    computes: number;
    phases?: string[];
    dryRun: boolean;
    keepRunning: boolean;
    port?: number;
  }>();
  // Loaded after the arguments are read, so --help answers without starting anything.
  await import('reflect-metadata');
  const { StartupError } = await import('../src/app/bootstrap.js');
  const { runDemo } = await import('./demo/run-demo.js');
  try {
    return await runDemo(options);
  } catch (error) {
    if (!(error instanceof StartupError)) throw error;
    console.error(`demo: cannot start: ${error.message}`);
    return 1;
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
