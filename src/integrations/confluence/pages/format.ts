import { type Markup, type StatusColour, status } from '../storage/index.js';
import type { PhaseStatus, StepStatus } from './page-data.js';

const PHASE_LOZENGE: Record<PhaseStatus, [StatusColour, string]> = {
  succeeded: ['Green', 'Done'],
  failed: ['Red', 'Failed'],
  running: ['Blue', 'Running'],
  pending: ['Grey', 'Pending'],
  cancelled: ['Grey', 'Cancelled'],
  skipped: ['Grey', 'Skipped'],
  not_run: ['Grey', 'Not run'],
};

const STEP_LOZENGE: Record<StepStatus, [StatusColour, string]> = {
  ok: ['Green', 'OK'],
  changed: ['Blue', 'Changed'],
  would_change: ['Yellow', 'Would change'],
  failed: ['Red', 'Failed'],
  running: ['Blue', 'Running'],
  pending: ['Grey', 'Pending'],
  cancelled: ['Grey', 'Cancelled'],
};

export function phaseLozenge(state: PhaseStatus): Markup {
  const [colour, title] = PHASE_LOZENGE[state];
  return status({ colour, title });
}

export function stepLozenge(state: StepStatus): Markup {
  const [colour, title] = STEP_LOZENGE[state];
  return status({ colour, title });
}

export { formatDuration } from '../../../common/format-duration.js';
/** UTC, to the second, as on the dashboard: a page must not change just because it was rendered in another time zone. */
export { formatTimestamp } from '../../../common/format-timestamp.js';

export function between(start?: Date | null, end?: Date | null): number | null {
  return start && end ? end.getTime() - start.getTime() : null;
}

export function tail(text: string | null | undefined, lines = 30): string {
  if (!text) return '';
  const all = text.replace(/\s+$/, '').split('\n');
  return (all.length > lines ? [`… (${all.length - lines} earlier lines)`, ...all.slice(-lines)] : all).join('\n');
}

/** Confluence's code macro knows these names; anything else is shown as plain text. */
export function codeLanguage(language: string | null | undefined): string {
  switch (language) {
    case 'ini':
    case 'bash':
    case 'apache':
    case 'sql':
    case 'yaml':
      return language;
    case 'sh':
    case 'shell':
      return 'bash';
    default:
      return 'text';
  }
}
