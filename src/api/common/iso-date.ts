/** The one date format of the API: ISO 8601 in UTC with milliseconds, e.g. 2026-12-01T09:30:00.000Z. */
export function isoDate(date: Date): string {
  return date.toISOString();
}

export function isoDateOrNull(date: Date | null | undefined): string | null {
  return date ? date.toISOString() : null;
}
