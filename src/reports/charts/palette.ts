import type { PhaseRunStatus } from '../model/deployment-record.js';

/** Atlassian design colours, so the charts sit well on Confluence pages. */
export const COLORS = {
  remaining: '#0052cc',
  ideal: '#97a0af',
  scope: '#ff991f',
  axis: '#42526e',
} as const;

export const STATUS_COLORS: Record<PhaseRunStatus, string> = {
  succeeded: '#36b37e',
  failed: '#de350b',
  running: '#0065ff',
  cancelled: '#6b778c',
  pending: '#c1c7d0',
  skipped: '#c1c7d0',
};

export const STATUS_LABELS: Record<PhaseRunStatus, string> = {
  succeeded: 'Succeeded',
  failed: 'Failed',
  running: 'Running',
  cancelled: 'Cancelled',
  pending: 'Pending',
  skipped: 'Skipped',
};
