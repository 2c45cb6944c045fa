import { describe, expect, it } from '@jest/globals';
import { formatTimestamp, timestampIso } from './format-timestamp.js';

describe('formatTimestamp', () => {
  it('prints UTC to the second, whatever the zone the process runs in', () => {
    expect(formatTimestamp(new Date('2026-12-02T05:01:07.456Z'))).toBe('2026-12-02 05:01:07 UTC');
    expect(formatTimestamp(new Date('2026-12-02T06:01:07+01:00'))).toBe('2026-12-02 05:01:07 UTC');
  });

  it('reads the ISO 8601 strings the API answers', () => {
    expect(formatTimestamp('2026-01-31T23:59:59.999Z')).toBe('2026-01-31 23:59:59 UTC');
  });

  it('prints a dash for an unknown or unreadable time', () => {
    expect(formatTimestamp(null)).toBe('—');
    expect(formatTimestamp(undefined)).toBe('—');
    expect(formatTimestamp('')).toBe('—');
    expect(formatTimestamp('not a date')).toBe('—');
  });
});

describe('timestampIso', () => {
  it('is the API format, with milliseconds, for a machine-readable attribute', () => {
    expect(timestampIso(new Date('2026-12-02T05:01:07.456Z'))).toBe('2026-12-02T05:01:07.456Z');
    expect(timestampIso(null)).toBeNull();
  });
});
