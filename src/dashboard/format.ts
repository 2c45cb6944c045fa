/** One format for durations and times everywhere on the dashboard (UTC, to the second). */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** To the minute, for table cells: the page says once that times are UTC. */
export function formatMinute(value: Date | string | null | undefined): string {
  if (!value) return '—';
  const date = typeof value === 'string' ? new Date(value) : value;
  return date.toISOString().slice(0, 16).replace('T', ' ');
}

export function formatTime(value: Date | string | null | undefined): string {
  if (!value) return '—';
  const date = typeof value === 'string' ? new Date(value) : value;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
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
