import type { PrismaService } from '../../../src/persistence/prisma.service.js';
import type { Runbook, Story } from '../../../src/runbooks/model.js';
import { JiraGateway, type JiraGatewayOptions } from '../../../src/integrations/jira/jira.gateway.js';
import type { JiraFlavor } from '../../../src/config/jira-config.js';
import { DEFAULT_USERS } from '../../../lab/atlassian/http.js';
import type { AtlassianSandbox } from '../../../lab/atlassian/server.js';

function story(key: string, title: string): Story {
  return {
    key,
    title,
    userStory: `As an operator I want ${title.toLowerCase()} so that the cloud works`,
    acceptanceCriteria: [`${title} verified by *openstack* [table] check`, 'exit code 0'],
    steps: [{ kind: 'command', key: `${key}-run`, title: `Run ${key}`, run: 'true' }],
  };
}

/** A two-phase runbook shaped like the real one (phases = epics, stories = stories). */
export const miniRunbook: Runbook = {
  key: 'mini-liberty',
  version: '1.0.0',
  title: 'Mini Liberty',
  phases: [
    {
      key: 'mariadb',
      title: 'MariaDB database',
      goal: 'A MariaDB server the services can use',
      dependsOn: [],
      on: ['controller'],
      stories: [story('install', 'Install MariaDB'), story('secure', 'Secure MariaDB')],
    },
    {
      key: 'keystone',
      title: 'Keystone identity service',
      goal: 'Tokens are issued & the catalog lists the endpoints',
      dependsOn: ['mariadb'],
      on: ['controller'],
      stories: [story('install', 'Install Keystone'), story('bootstrap', 'Bootstrap Keystone'), story('catalog', 'Register the catalog')],
    },
  ],
};

export const fastRetry: JiraGatewayOptions = { retry: { attempts: 4, baseDelayMs: 5, maxDelayMs: 50 } };

export function sandboxGateway(
  sandbox: AtlassianSandbox,
  flavor: JiraFlavor = 'cloud',
  options: JiraGatewayOptions = fastRetry,
): JiraGateway {
  const user = DEFAULT_USERS[0];
  const auth =
    flavor === 'cloud'
      ? { kind: 'basic' as const, email: user.email, apiToken: user.apiToken }
      : { kind: 'bearer' as const, token: user.pat };
  return new JiraGateway({ baseUrl: new URL(sandbox.jiraBaseUrl), flavor, auth }, options);
}

export function createEnvironment(prisma: PrismaService, name: string) {
  return prisma.environment.create({ data: { name, network: {} }, select: { id: true, name: true } });
}
