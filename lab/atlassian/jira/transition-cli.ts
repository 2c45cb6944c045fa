import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { JiraGateway } from '../../../src/integrations/jira/jira.gateway.js';
import type { JiraAuth } from '../../../src/config/jira-config.js';
import { DEFAULT_USERS } from '../http.js';

const USAGE = `Moves a JIRA issue to a status by hand (what a person does on the board), e.g. to trigger OpSprint:
  node dist/lab/atlassian/jira/transition-cli.js --base-url http://127.0.0.1:4010 --issue OPS-1 --to "Ready to Deploy"
Options: --email + --token (Basic) or --pat (Bearer); default: the sandbox's user. --flavor cloud|datacenter.`;

/** Transitions `--issue` to the status `--to` through whichever transition leads there. Returns a line to print. */
export async function runTransitionCli(argv: string[]): Promise<string> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'base-url': { type: 'string' },
      issue: { type: 'string' },
      to: { type: 'string' },
      email: { type: 'string' },
      token: { type: 'string' },
      pat: { type: 'string' },
      flavor: { type: 'string', default: 'cloud' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return USAGE;
  for (const name of ['base-url', 'issue', 'to'] as const) if (!values[name]) throw new Error(`--${name} is required\n${USAGE}`);
  if (values.flavor !== 'cloud' && values.flavor !== 'datacenter')
    throw new Error(`--flavor: expected cloud or datacenter, got "${values.flavor}"`);
  const fallback = DEFAULT_USERS[0];
  const auth: JiraAuth = values.pat
    ? { kind: 'bearer', token: values.pat }
    : { kind: 'basic', email: values.email ?? fallback.email, apiToken: values.token ?? fallback.apiToken };
  const gateway = new JiraGateway({ baseUrl: new URL(values['base-url']!), flavor: values.flavor, auth }, { retry: { attempts: 3 } });
  const key = values.issue!;
  const target = values.to!.toLowerCase();
  const transitions = await gateway.listTransitions(key);
  const transition =
    transitions.find((t) => t.to.name.toLowerCase() === target) ?? transitions.find((t) => t.name.toLowerCase() === target);
  if (!transition) {
    const offered = transitions.map((t) => `"${t.name}" → ${t.to.name}`).join(', ') || 'none';
    throw new Error(`${key} cannot move to "${values.to}" from its current status (offered: ${offered})`);
  }
  await gateway.transitionIssue(key, transition.id);
  return `${key} → ${transition.to.name} (transition "${transition.name}", id ${transition.id})`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runTransitionCli(process.argv.slice(2)).then(
    (line) => console.log(line),
    (error: Error) => {
      console.error(error.message);
      process.exitCode = 1;
    },
  );
}
