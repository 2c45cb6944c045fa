/**
 * The one duration format of every human-facing surface (Confluence pages, dashboard, reviews, CLI):
 * "850 ms", "42 s", "3 min 20 s", "2 h 05 min", "3 d 04 h"; "—" when unknown. The API answers
 * milliseconds (`durationMs`) and ISO 8601 timestamps with milliseconds instead.
 */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, '0')} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
  return `${Math.floor(hours / 24)} d ${String(hours % 24).padStart(2, '0')} h`;
}
