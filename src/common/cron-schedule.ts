import { CronTime } from 'cron';

/**
 * Cron expressions and time zones as schedules accept them: five fields (minute, hour, day of
 * month, month, day of week) of numbers, `*`, ranges, lists, steps and English month/day names.
 * Two parsers read them (the `cron` library of @nestjs/schedule for validation and next dates,
 * BullMQ's cron-parser for firing), so only the subset both read the same way is accepted:
 * no seconds field, no `L`, `W`, `#` or `?`.
 */
const FIELD = /^(\*|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(\/[0-9]+)?(,(\*|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(\/[0-9]+)?)*$/;

/** Why `expression` is not a usable cron expression, or null when it is. */
export function cronProblem(expression: string): string | null {
  const fields = expression.trim().split(/\s+/);
  if (expression.trim() === '' || fields.length !== 5) {
    return `expected 5 fields (minute hour day-of-month month day-of-week), got ${expression.trim() === '' ? 'none' : fields.length}: "${expression}"`;
  }
  const bad = fields.find((field) => !FIELD.test(field));
  if (bad) return `"${bad}" is not a cron field (numbers, *, ranges a-b, lists a,b and steps /n only)`;
  try {
    new CronTime(expression.trim(), 'UTC');
  } catch (error) {
    return `"${expression}": ${(error as Error).message}`;
  }
  return null;
}

/** Why `zone` is not an IANA time zone, or null when it is. */
export function timeZoneProblem(zone: string): string | null {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(zone)) return `"${zone}" is not an IANA time zone name (e.g. UTC, Europe/Paris)`;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    new CronTime('0 0 * * *', zone);
  } catch {
    return `"${zone}" is not an IANA time zone name (e.g. UTC, Europe/Paris)`;
  }
  return null;
}

/** The next moment after `from` that `expression` names in `zone` (both already validated). */
export function nextFire(expression: string, zone: string, from: Date = new Date()): Date {
  const time = new CronTime(expression.trim(), zone);
  return time.getNextDateFrom(from, zone).toJSDate();
}
