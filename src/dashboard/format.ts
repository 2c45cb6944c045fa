import { formatTimestamp, timestampIso } from '../common/format-timestamp.js';

/** One format for durations and times everywhere on the dashboard, shared with the pages and the CLI. */
export { formatDuration } from '../common/format-duration.js';

/**
 * A time as HTML: the one human format ("2026-12-02 05:01:07 UTC") in a `<time>` element whose
 * `datetime` holds the ISO 8601 instant the API answers. Built from a Date only (digits and
 * punctuation), so the template prints it raw; "—" when unknown.
 */
export function timeElement(value: Date | string | null | undefined): string {
  const iso = timestampIso(value);
  return iso ? `<time datetime="${iso}">${formatTimestamp(value)}</time>` : '—';
}
/** A CSS class per status family, so a lozenge reads the same on every page. */
export function statusClass(status: string | null | undefined): string {
  switch (status) {
    case 'succeeded':
    case 'ok':
    case 'changed':
    case 'done':
      return 'good';
    case 'failed':
    case 'blocked':
    case 'drifted':
      return 'bad';
    case 'running':
    case 'in_progress':
    case 'active':
    case 'queued':
    case 'would_change':
      return 'busy';
    default:
      return 'idle';
  }
}

/** "1 story", "2 stories". */
export function formatCount(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
