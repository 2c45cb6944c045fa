import type { INestApplication } from '@nestjs/common';
import { Runtime } from '../../src/config/runtime.js';
import { ConfluencePageRepository } from '../../src/persistence/repositories/confluence-page.repository.js';
import { DeploymentRepository } from '../../src/persistence/repositories/deployment.repository.js';
import { EnvironmentRepository } from '../../src/persistence/repositories/environment.repository.js';
import { JiraLinkRepository } from '../../src/persistence/repositories/jira-link.repository.js';

/** What the demo reads besides the API: the JIRA keys and the Confluence root it prints. */
export function demoRepositories(app: INestApplication) {
  return {
    deployments: app.get(DeploymentRepository),
    environments: app.get(EnvironmentRepository),
    jiraLinks: app.get(JiraLinkRepository),
    pages: app.get(ConfluencePageRepository),
    /** The JIRA and Confluence sites the service talks to: only their links are printed. */
    config: app.get(Runtime).config,
  };
}

export type DemoRepositories = ReturnType<typeof demoRepositories>;
