import { describe, expect, it } from '@jest/globals';
import { latestOutcome, phaseOfPage, type SyncOutcome } from './sync-outcomes.js';

const at = (minute: number) => new Date(Date.UTC(2026, 11, 2, 5, minute));

describe('latestOutcome', () => {
  it('lets a later success clear an older failure of the same phase', () => {
    const outcomes: SyncOutcome[] = [
      { at: at(1), phaseKey: 'glance', ok: false, reason: '400' },
      { at: at(2), phaseKey: 'glance', ok: true },
    ];
    expect(latestOutcome(outcomes, 'glance')).toMatchObject({ ok: true });
    // Read in any order: the newest wins, not the last listed.
    expect(latestOutcome([...outcomes].reverse(), 'glance')).toMatchObject({ ok: true });
  });

  it('keeps one phase’s failure to that phase', () => {
    const outcomes: SyncOutcome[] = [
      { at: at(1), phaseKey: 'keystone', ok: true },
      { at: at(2), phaseKey: 'glance', ok: false, reason: '400' },
    ];
    expect(latestOutcome(outcomes, 'keystone')).toMatchObject({ ok: true });
    expect(latestOutcome(outcomes, 'glance')).toMatchObject({ ok: false, reason: '400' });
    expect(latestOutcome(outcomes, 'nova')).toBeUndefined();
  });

  it('applies an outcome for the whole deployment to every phase until a later one for the phase', () => {
    const outcomes: SyncOutcome[] = [
      { at: at(1), phaseKey: null, ok: false, reason: 'backlog sync refused' },
      { at: at(2), phaseKey: 'glance', ok: true },
    ];
    expect(latestOutcome(outcomes, 'keystone')).toMatchObject({ ok: false, reason: 'backlog sync refused' });
    expect(latestOutcome(outcomes, 'glance')).toMatchObject({ ok: true });
  });
});

describe('phaseOfPage', () => {
  it('reads the phase of a phase page key', () => {
    expect(phaseOfPage('phase:keystone')).toBe('keystone');
    expect(phaseOfPage('root')).toBeNull();
    expect(phaseOfPage(undefined)).toBeNull();
  });
});
