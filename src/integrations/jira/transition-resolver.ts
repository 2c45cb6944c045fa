import type { LogicalState } from '../../config/jira-config.js';
import type { KnownStatus } from '../../persistence/repositories/jira-link.repository.js';
import type { JiraGateway } from './jira.gateway.js';
import type { JiraStatus, JiraTransition } from './jira.types.js';
import { JiraHttpError } from './jira-http-error.js';

export type TransitionOutcome =
  | { kind: 'moved'; from: KnownStatus; to: KnownStatus }
  | { kind: 'already'; status: KnownStatus }
  | { kind: 'unavailable'; status: KnownStatus; offered: string[] };

/** The issue to move: its type picks the workflow; `status` is what OpSprint last saw (null: ask JIRA). */
export interface IssueToMove {
  key: string;
  type: string;
  status: KnownStatus | null;
}

const same = (a: string, b: string) => a.localeCompare(b, undefined, { sensitivity: 'accent' }) === 0;

export const knownStatus = (status: JiraStatus | undefined): KnownStatus => ({
  name: status?.name ?? '',
  category: status?.statusCategory?.key ?? null,
});

/**
 * Moves an issue to a logical state through the project's own transition names, and leaves an
 * issue already there alone: a status named like the state, or for `done` any status of JIRA's
 * done category. The current status comes from what OpSprint last saw (the backlog sync reads
 * every issue's status in one search when a deployment starts), so deciding costs no request.
 * Transitions depend on the workflow (issue type) and the current status, so they are cached per
 * (type, status); when JIRA refuses a cached one (a condition on this issue, an edited workflow,
 * or a status changed by someone since), the issue and its own transitions are read once more.
 */
export class TransitionResolver {
  private readonly cache = new Map<string, JiraTransition[]>();

  constructor(
    private readonly gateway: JiraGateway,
    private readonly names: Record<LogicalState, string[]>,
  ) {}

  /** True when an issue in `status` needs no transition to be in `state`. */
  isIn(status: KnownStatus, state: LogicalState): boolean {
    return this.names[state].some((name) => same(name, status.name)) || (state === 'done' && status.category === 'done');
  }

  async moveTo(issue: IssueToMove, state: LogicalState): Promise<TransitionOutcome> {
    return this.attempt(issue, state, false);
  }

  private async attempt(issue: IssueToMove, state: LogicalState, fresh: boolean): Promise<TransitionOutcome> {
    const status = issue.status ?? knownStatus((await this.gateway.findIssue(issue.key)).fields.status);
    if (this.isIn(status, state)) return { kind: 'already', status };
    const offered = fresh ? await this.gateway.listTransitions(issue.key) : await this.offered(issue.type, status.name, issue.key);
    const transition = this.names[state].map((name) => offered.find((t) => same(t.name, name) || same(t.to.name, name))).find(Boolean);
    if (!transition) {
      if (!fresh && issue.status) return this.attempt({ ...issue, status: null }, state, true);
      return { kind: 'unavailable', status, offered: offered.map((t) => `${t.name} → ${t.to.name}`) };
    }
    try {
      await this.gateway.transitionIssue(issue.key, transition.id);
    } catch (error) {
      if (fresh || !(error instanceof JiraHttpError) || error.status !== 400) throw error;
      this.cache.delete(this.cacheKey(issue.type, status.name));
      return this.attempt({ ...issue, status: null }, state, true);
    }
    return { kind: 'moved', from: status, to: knownStatus(transition.to) };
  }

  private cacheKey(type: string, status: string): string {
    return `${type}\u0000${status}`;
  }

  private async offered(type: string, status: string, issueKey: string): Promise<JiraTransition[]> {
    const cacheKey = this.cacheKey(type, status);
    let transitions = this.cache.get(cacheKey);
    if (!transitions) {
      transitions = await this.gateway.listTransitions(issueKey);
      this.cache.set(cacheKey, transitions);
    }
    return transitions;
  }
}
