import { Inject, Injectable, Optional } from '@nestjs/common';
import { JiraConfig } from '../../config/jira-config.js';
import { CLOCK, type Clock } from './clock.js';
import { JiraGateway } from './jira.gateway.js';
import { JiraHttpError } from './jira-http-error.js';
import type { JiraSprint } from './jira.types.js';
import { JiraSprintLifecycle } from './sprint-lifecycle.service.js';

/** Jira Cloud refuses sprint names longer than 30 characters. */
const MAX_SPRINT_NAME = 30;
const DAY = /\d{4}-\d{2}-\d{2}$/;

export function opsprintSprintName(environmentName: string, date: Date): string {
  const day = date.toISOString().slice(0, 10);
  const fixed = `OpSprint  ${day}`.length;
  return `OpSprint ${environmentName.slice(0, MAX_SPRINT_NAME - fixed)} ${day}`;
}

/** A sprint OpSprint named for this environment (on any day). */
export function isOpsprintSprintOf(sprintName: string, environmentName: string): boolean {
  const prefix = opsprintSprintName(environmentName, new Date(0)).slice(0, -'YYYY-MM-DD'.length);
  return sprintName.length === prefix.length + 'YYYY-MM-DD'.length && sprintName.startsWith(prefix) && DAY.test(sprintName);
}

export type SprintPlacementConfig = Pick<JiraConfig, 'sprintMode' | 'boardId'>;

interface DeploymentSprint {
  sprint: JiraSprint;
  /** Issue keys JIRA lists in the sprint, plus the ones added since. */
  members: Set<string>;
}

/**
 * Puts the stories that had work in a deployment into a sprint, and nothing else: a story that
 * only found everything in place stays where it is (Done in a closed sprint stays there).
 * `active` = the board's active sprint (an OpSprint sprint, left to the team to start, when none
 * runs); `new` = the environment's OpSprint sprint: the running one, else one made for today and
 * started at once (the deployment that needs it is its first); `none` = the backlog.
 * The sprint and its issue list are looked up once per deployment, and only stories not in it
 * yet are added.
 */
@Injectable()
export class SprintPlacement {
  private readonly byDeployment = new Map<string, DeploymentSprint>();

  constructor(
    private readonly gateway: JiraGateway,
    @Inject(JiraConfig) private readonly config: SprintPlacementConfig,
    private readonly lifecycle: JiraSprintLifecycle,
    @Optional() @Inject(CLOCK) private readonly now: Clock = () => new Date(),
  ) {}

  /** The stories added to the sprint (none when all were in it already, or placement is off). */
  async place(deployment: { deploymentId: string; environmentName: string; at?: string }, issueKeys: string[]): Promise<string[]> {
    if (this.config.sprintMode === 'none' || this.config.boardId === null || issueKeys.length === 0) return [];
    try {
      return await this.add(deployment, issueKeys);
    } catch (error) {
      // Someone closed the sprint during the deployment: look for the sprint again, once.
      if (!(error instanceof JiraHttpError) || error.status !== 400 || !this.byDeployment.has(deployment.deploymentId)) throw error;
      this.byDeployment.delete(deployment.deploymentId);
      return this.add(deployment, issueKeys);
    }
  }

  /** The deployment is over: its sprint is looked up again by the next one. */
  forget(deploymentId: string): void {
    this.byDeployment.delete(deploymentId);
  }

  private async add(deployment: { deploymentId: string; environmentName: string; at?: string }, issueKeys: string[]): Promise<string[]> {
    let known = this.byDeployment.get(deployment.deploymentId);
    if (!known) {
      const sprint = await this.resolve(
        deployment.environmentName,
        this.config.boardId!,
        deployment.at ? new Date(deployment.at) : undefined,
      );
      known = { sprint, members: new Set(await this.gateway.sprintIssueKeys(sprint.id)) };
      this.byDeployment.set(deployment.deploymentId, known);
    }
    const missing = [...new Set(issueKeys)].filter((key) => !known.members.has(key));
    if (missing.length === 0) return [];
    await this.gateway.addIssuesToSprint(known.sprint.id, missing);
    for (const key of missing) known.members.add(key);
    return missing;
  }

  /** `workStartedAt`: when the deployment's work began, the start of a sprint it starts (see JiraSprintLifecycle.start). */
  private async resolve(environmentName: string, boardId: number, workStartedAt?: Date): Promise<JiraSprint> {
    const active = await this.gateway.getSprints(boardId, 'active');
    if (this.config.sprintMode === 'active' && active[0]) return active[0];
    const running = active.find((s) => isOpsprintSprintOf(s.name, environmentName));
    if (running) return running;
    const name = opsprintSprintName(environmentName, this.now());
    const sprint =
      (await this.gateway.getSprints(boardId, 'future')).find((s) => s.name === name) ??
      (await this.gateway.createSprint({ name, boardId, goal: `Deploy ${environmentName} with OpSprint` }));
    return this.config.sprintMode === 'new' ? this.lifecycle.start(sprint.id, workStartedAt) : sprint;
  }
}
