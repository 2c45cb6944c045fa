import type { Phase } from '../../../runbooks/model.js';

/** Titles are unique per space in Confluence, so each carries the environment name. */
export const rootPageTitle = (environment: string): string => `${environment} — OpenStack runbook`;
export const phasePageTitle = (environment: string, phase: Pick<Phase, 'title'>): string => `${environment} — ${phase.title}`;
