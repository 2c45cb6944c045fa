import type { LogicalState } from '../../config/jira-config.js';
import type { JiraGateway } from './jira.gateway.js';
import type { JiraTransition } from './jira.types.js';
import { JiraHttpError } from './jira-http-error.js';

export type TransitionOutcome =
  | { kind: 'moved'; from: string; to: string }
  | { kind: 'already'; status: string }
  | { kind: 'unavailable'; status: string; offered: string[] };

const same = (a: string, b: string) => a.localeCompare(b, undefined, { sensitivity: 'accent' }) === 0;

/**
 * Moves an issue to a logical state through the project's own transition names. The transitions
 * offered depend on the issue's current status only, so they are cached per (issue, status).
 */
export class TransitionResolver {
  private readonly cache = new Map<string, JiraTransition[]>();

  constructor(
    private readonly gateway: JiraGateway,
    private readonly names: Record<LogicalState, string[]>,
  ) {}

  async moveTo(issueKey: string, state: LogicalState, refreshed = false): Promise<TransitionOutcome> {
    const issue = await this.gateway.findIssue(issueKey);
    const status = issue.fields.status?.name ?? '';
    const wanted = this.names[state];
    if (wanted.some((name) => same(name, status))) return { kind: 'already', status };
    const offered = await this.offered(issueKey, status);
    const transition = wanted.map((name) => offered.find((t) => same(t.name, name) || same(t.to.name, name))).find(Boolean);
    if (!transition) return { kind: 'unavailable', status, offered: offered.map((t) => `${t.name} → ${t.to.name}`) };
    if (same(transition.to.name, status)) return { kind: 'already', status };
    try {
      await this.gateway.transitionIssue(issueKey, transition.id);
    } catch (error) {
      // An admin may have changed the workflow since the list was cached: forget it, ask once more.
      if (refreshed || !(error instanceof JiraHttpError) || error.status !== 400) throw error;
      this.cache.delete(this.cacheKey(issueKey, status));
      return this.moveTo(issueKey, state, true);
    }
    return { kind: 'moved', from: status, to: transition.to.name };
  }

  private cacheKey(issueKey: string, status: string): string {
    return `${issueKey}\u0000${status}`;
  }

  private async offered(issueKey: string, status: string): Promise<JiraTransition[]> {
    const cacheKey = this.cacheKey(issueKey, status);
    let transitions = this.cache.get(cacheKey);
    if (!transitions) {
      transitions = await this.gateway.listTransitions(issueKey);
      this.cache.set(cacheKey, transitions);
    }
    return transitions;
  }
}
