import type { JiraConfig } from '../../config/jira-config.js';
import type { JiraGateway } from './jira.gateway.js';
import type { JiraSprint } from './jira.types.js';

/** Jira Cloud refuses sprint names longer than 30 characters. */
const MAX_SPRINT_NAME = 30;

export function opsprintSprintName(environmentName: string, date: Date): string {
  const day = date.toISOString().slice(0, 10);
  const fixed = `OpSprint  ${day}`.length;
  return `OpSprint ${environmentName.slice(0, MAX_SPRINT_NAME - fixed)} ${day}`;
}

/**
 * Puts stories into a sprint: `active` = the board's active sprint (falls back to an OpSprint
 * sprint when the board has none running), `new` = the OpSprint sprint of the day, found again
 * by name before one is created, `none` = left in the backlog.
 */
export class SprintPlacement {
  constructor(
    private readonly gateway: JiraGateway,
    private readonly config: Pick<JiraConfig, 'sprintMode' | 'boardId'>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async place(environmentName: string, issueKeys: string[]): Promise<JiraSprint | null> {
    if (this.config.sprintMode === 'none' || this.config.boardId === null || issueKeys.length === 0) return null;
    const boardId = this.config.boardId;
    let sprint: JiraSprint | undefined;
    if (this.config.sprintMode === 'active') sprint = (await this.gateway.getSprints(boardId, 'active'))[0];
    if (!sprint) {
      const name = opsprintSprintName(environmentName, this.now());
      const open = [...(await this.gateway.getSprints(boardId, 'active')), ...(await this.gateway.getSprints(boardId, 'future'))];
      sprint =
        open.find((s) => s.name === name) ??
        (await this.gateway.createSprint({ name, boardId, goal: `Deploy ${environmentName} with OpSprint` }));
    }
    await this.gateway.addIssuesToSprint(sprint.id, issueKeys);
    return sprint;
  }
}
