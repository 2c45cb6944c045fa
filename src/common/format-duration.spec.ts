import { describe, expect, it } from '@jest/globals';
import { formatDuration } from './format-duration.js';

describe('formatDuration (one format for pages, dashboard, reviews and the CLI)', () => {
  it('reads as people say it, with "—" when unknown', () => {
    expect([850, 12_300, 200_000, 7_500_000, 3 * 86_400_000 + 4 * 3_600_000].map(formatDuration)).toEqual([
      '850 ms',
      '12 s',
      '3 min 20 s',
      '2 h 05 min',
      '3 d 04 h',
    ]);
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(Number.NaN)).toBe('—');
  });
});
