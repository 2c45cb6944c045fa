import { DEPLOY_REQUEST_LABEL, labelValue, OPSPRINT_LABEL } from './jira-labels.js';
import type { StatusChange } from './webhook-payload.js';

export type TriggerDecision = { kind: 'deploy'; environmentName: string; phases?: string[] } | { kind: 'ignore'; reason: string };

export interface TriggeringIssue {
  issueKey: string;
  issueType: string | null;
  labels: string[];
  statusChanges: StatusChange[];
}

const same = (a: string, b: string) => a.localeCompare(b, undefined, { sensitivity: 'accent' }) === 0;

/**
 * What a status change asks for: an OpSprint epic (opsprint + env-<name> + phase-<key>) moved
 * into the trigger status deploys that phase; a deployment-request issue (opsprint-deploy +
 * env-<name>) deploys the whole runbook; anything else is ignored, with the reason.
 */
export function decideTrigger(issue: TriggeringIssue, triggerStatus: string): TriggerDecision {
  if (issue.statusChanges.length === 0) return { kind: 'ignore', reason: 'no status change in the changelog' };
  const entered = issue.statusChanges.find((c) => same(c.to, triggerStatus) && !(c.from && same(c.from, triggerStatus)));
  if (!entered)
    return { kind: 'ignore', reason: `moved to "${issue.statusChanges.map((c) => c.to).join('", "')}", not to "${triggerStatus}"` };
  const environmentName = labelValue(issue.labels, 'env-');
  if (issue.labels.includes(DEPLOY_REQUEST_LABEL)) {
    if (!environmentName)
      return { kind: 'ignore', reason: `${issue.issueKey} has ${DEPLOY_REQUEST_LABEL} but not exactly one env-<name> label` };
    return { kind: 'deploy', environmentName };
  }
  if (!issue.labels.includes(OPSPRINT_LABEL))
    return { kind: 'ignore', reason: `${issue.issueKey} is not an OpSprint issue (no ${OPSPRINT_LABEL} label)` };
  if (issue.issueType !== null && issue.issueType !== 'Epic')
    return { kind: 'ignore', reason: `${issue.issueKey} is a ${issue.issueType}; only epics (phases) trigger deployments` };
  const phaseKey = labelValue(issue.labels, 'phase-');
  if (!environmentName || !phaseKey)
    return { kind: 'ignore', reason: `${issue.issueKey} lacks exactly one env-<name> and one phase-<key> label` };
  return { kind: 'deploy', environmentName, phases: [phaseKey] };
}
