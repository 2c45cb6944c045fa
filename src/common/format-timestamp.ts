/**
 * The one timestamp format of every human-facing surface (Confluence pages, dashboard, reviews,
 * digest, CLI): "2026-12-02 05:01:07 UTC", to the second, always in UTC so a page does not change
 * with the zone it was rendered in; "—" when unknown. The API answers ISO 8601 with milliseconds
 * instead, and the dashboard keeps that in a `<time datetime>` attribute (see `timestampIso`).
 */
export function formatTimestamp(value: Date | string | null | undefined): string {
  const date = toDate(value);
  return date ? `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC` : '—';
}

/** ISO 8601 with milliseconds, as the API answers it; null when unknown. */
export function timestampIso(value: Date | string | null | undefined): string | null {
  return toDate(value)?.toISOString() ?? null;
}

function toDate(value: Date | string | null | undefined): Date | null {
  if (value === null || value === undefined || value === '') return null;
  const date = typeof value === 'string' ? new Date(value) : value;
  return Number.isNaN(date.getTime()) ? null : date;
}
