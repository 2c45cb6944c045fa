import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_USERS } from './http.js';
import { startAtlassianSandbox } from './server.js';

/**
 * Runs the Atlassian sandbox on its own, for the demo and for trying the transition CLI:
 *   node dist/lab/atlassian/start-sandbox.js --port 4010 --webhook-url http://127.0.0.1:3000/webhooks/jira --webhook-secret s3
 */
export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '4010' },
      'webhook-url': { type: 'string' },
      'webhook-secret': { type: 'string' },
      flavor: { type: 'string', default: 'cloud' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: expected a port number, got "${values.port}"`);
  if (values.flavor !== 'cloud' && values.flavor !== 'datacenter')
    throw new Error(`--flavor: expected cloud or datacenter, got "${values.flavor}"`);
  const sandbox = await startAtlassianSandbox({ port, jira: { deploymentType: values.flavor === 'cloud' ? 'Cloud' : 'Server' } });
  if (values['webhook-url']) sandbox.jira.webhooks.register({ url: values['webhook-url'], secret: values['webhook-secret'] });
  const user = DEFAULT_USERS[0];
  console.log(`Atlassian sandbox: JIRA ${sandbox.jiraBaseUrl}, Confluence ${sandbox.confluenceBaseUrl}`);
  console.log(`Credentials: ${user.email} / API token ${user.apiToken} (Basic), PAT ${user.pat} (Bearer). Lab values, not secrets.`);
  const stop = () => void sandbox.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error: Error) => {
    console.error(error.message);
    process.exitCode = 1;
  });
}
