import { Cron } from 'croner';
import { describe, expect, it } from 'vitest';
import {
  decideRetention,
  isValidTimeZone,
  lastPurgeHourAtOrBefore,
  purgeDueAt,
  RETENTION_MS,
} from './policy.js';

const at = (iso: string) => new Date(iso);
const iso = (d: Date) => d.toISOString();
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe('purgeDueAt — room (24 h)', () => {
  it('Asia/Tokyo: last message at 23:59 is due at 01:00 two nights later, not after 1 h 1 min', () => {
    // 2026-03-10 23:59 JST = 14:59 UTC; +24 h = 03-11 23:59 JST; next 01:00 JST = 03-12 01:00 = 03-11 16:00Z.
    expect(iso(purgeDueAt('room', at('2026-03-10T14:59:00Z'), 'Asia/Tokyo'))).toBe(
      '2026-03-11T16:00:00.000Z',
    );
  });

  it('Asia/Tokyo: last message at 00:59 is due at 01:00 the next day', () => {
    expect(iso(purgeDueAt('room', at('2026-03-10T15:59:00Z'), 'Asia/Tokyo'))).toBe(
      '2026-03-11T16:00:00.000Z',
    );
  });

  it('last message at exactly 01:00: due exactly 24 h later (that 01:00 counts, "at or after")', () => {
    expect(iso(purgeDueAt('room', at('2026-03-10T16:00:00Z'), 'Asia/Tokyo'))).toBe(
      '2026-03-11T16:00:00.000Z',
    );
  });

  it('last message at 01:00:00.001 waits for the following night', () => {
    expect(iso(purgeDueAt('room', at('2026-03-10T16:00:00.001Z'), 'Asia/Tokyo'))).toBe(
      '2026-03-12T16:00:00.000Z',
    );
  });

  it('UTC', () => {
    expect(iso(purgeDueAt('room', at('2026-06-01T12:00:00Z'), 'UTC'))).toBe('2026-06-03T01:00:00.000Z');
    expect(iso(purgeDueAt('room', at('2026-06-01T00:30:00Z'), 'UTC'))).toBe('2026-06-02T01:00:00.000Z');
  });

  it('America/Los_Angeles (summer, UTC−7, and winter, UTC−8)', () => {
    // 2026-07-01 10:00 PDT = 17:00Z; +24 h = 07-02 10:00 PDT; next 01:00 PDT = 07-03 08:00Z.
    expect(iso(purgeDueAt('room', at('2026-07-01T17:00:00Z'), 'America/Los_Angeles'))).toBe(
      '2026-07-03T08:00:00.000Z',
    );
    expect(iso(purgeDueAt('room', at('2026-01-15T09:00:00Z'), 'America/Los_Angeles'))).toBe(
      '2026-01-16T09:00:00.000Z',
    );
  });

  it('Asia/Kolkata (half-hour offset) and Asia/Kathmandu (quarter-hour offset)', () => {
    expect(iso(purgeDueAt('room', at('2026-05-01T00:00:00Z'), 'Asia/Kolkata'))).toBe(
      '2026-05-02T19:30:00.000Z',
    );
    expect(iso(purgeDueAt('room', at('2026-05-01T00:00:00Z'), 'Asia/Kathmandu'))).toBe(
      '2026-05-02T19:15:00.000Z',
    );
  });
});

describe('purgeDueAt — workspace (30 days)', () => {
  it('exactly 30 days after a 01:00 message is due', () => {
    expect(iso(purgeDueAt('workspace', at('2026-01-01T16:00:00Z'), 'Asia/Tokyo'))).toBe(
      '2026-01-31T16:00:00.000Z',
    );
  });

  it('a 23:59 message waits until 01:00 after the 30th day', () => {
    // 2026-01-01 23:59 JST; +30 d = 01-31 23:59 JST; next 01:00 = 02-01 01:00 JST = 01-31T16:00Z.
    expect(iso(purgeDueAt('workspace', at('2026-01-01T14:59:00Z'), 'Asia/Tokyo'))).toBe(
      '2026-01-31T16:00:00.000Z',
    );
  });

  it('counts elapsed time (30 × 24 h) across a DST change, then lands on local 01:00', () => {
    // 2026-03-01 12:00 PST (20:00Z) + 720 h = 03-31T20:00Z = 13:00 PDT; next 01:00 PDT = 04-01T08:00Z.
    expect(iso(purgeDueAt('workspace', at('2026-03-01T20:00:00Z'), 'America/Los_Angeles'))).toBe(
      '2026-04-01T08:00:00.000Z',
    );
  });
});

describe('purgeDueAt — DST edges', () => {
  it('Europe/London spring-forward (01:00 does not exist): the instant the clock passes 01:00', () => {
    // 2026-03-29: 01:00 GMT → 02:00 BST at 01:00Z.
    expect(iso(purgeDueAt('room', at('2026-03-28T00:30:00Z'), 'Europe/London'))).toBe(
      '2026-03-29T01:00:00.000Z',
    );
    // The day after, 01:00 BST = 00:00Z.
    expect(iso(purgeDueAt('room', at('2026-03-28T01:00:01Z'), 'Europe/London'))).toBe(
      '2026-03-30T00:00:00.000Z',
    );
  });

  it('Europe/London fall-back: 01:00 occurs twice; the first (BST) is used', () => {
    // 2026-10-25: 02:00 BST → 01:00 GMT at 01:00Z; 01:00 BST = 00:00Z, 01:00 GMT = 01:00Z.
    expect(iso(purgeDueAt('room', at('2026-10-23T23:00:00Z'), 'Europe/London'))).toBe(
      '2026-10-25T00:00:00.000Z',
    );
  });

  it('America/New_York fall-back: the first 01:00 (EDT) is used', () => {
    // 2026-11-01: 01:00 EDT = 05:00Z, 01:00 EST = 06:00Z.
    expect(iso(purgeDueAt('room', at('2026-10-30T20:00:00Z'), 'America/New_York'))).toBe(
      '2026-11-01T05:00:00.000Z',
    );
  });

  it('America/New_York fall-back: a threshold between the two 01:00s waits for the next day', () => {
    // Threshold 05:30Z is 01:30 EDT, after the first 01:00; the repeated 01:00 EST is not a new slot.
    expect(iso(purgeDueAt('room', at('2026-10-31T05:30:00Z'), 'America/New_York'))).toBe(
      '2026-11-02T06:00:00.000Z',
    );
  });

  it('America/New_York spring-forward day keeps 01:00 EST (the gap is at 02:00)', () => {
    expect(iso(purgeDueAt('room', at('2026-03-07T12:00:00Z'), 'America/New_York'))).toBe(
      '2026-03-09T05:00:00.000Z',
    );
    expect(iso(purgeDueAt('room', at('2026-03-07T05:00:00Z'), 'America/New_York'))).toBe(
      '2026-03-08T06:00:00.000Z',
    );
  });

  it('agrees with croner `0 1 * * *` over a year of thresholds in several zones', () => {
    for (const tz of ['Asia/Tokyo', 'UTC', 'America/Los_Angeles', 'America/New_York', 'Europe/London']) {
      const cron = new Cron('0 1 * * *', { timezone: tz, paused: true });
      try {
        for (let t = Date.UTC(2026, 0, 1, 0, 7); t < Date.UTC(2027, 0, 1); t += 7 * HOUR + 13 * MIN) {
          const threshold = new Date(t + RETENTION_MS.room);
          const expected = cron.nextRun(new Date(threshold.getTime() - 1)); // croner's nextRun is strictly after
          expect(iso(purgeDueAt('room', new Date(t), tz)), `${tz} ${new Date(t).toISOString()}`).toBe(
            expected && iso(expected),
          );
        }
      } finally {
        cron.stop();
      }
    }
  });
});

describe('decideRetention', () => {
  const tz = 'Asia/Tokyo';
  // The night of 2026-03-12 01:00 JST = 2026-03-11T16:00Z.
  const oneAm = at('2026-03-11T16:00:00Z');

  it('room: 23 h 59 min before 01:00 keeps at 01:00, goes at the next 01:00', () => {
    const last = new Date(oneAm.getTime() - (23 * HOUR + 59 * MIN));
    expect(decideRetention('room', last, oneAm, tz).action).toBe('keep');
    expect(decideRetention('room', last, new Date(oneAm.getTime() + DAY - 1), tz).action).toBe('keep');
    expect(decideRetention('room', last, new Date(oneAm.getTime() + DAY), tz).action).toBe('delete');
  });

  it('room: exactly 24 h before 01:00 goes at that 01:00, not a millisecond earlier', () => {
    const last = new Date(oneAm.getTime() - DAY);
    expect(decideRetention('room', last, new Date(oneAm.getTime() - 1), tz).action).toBe('keep');
    expect(decideRetention('room', last, oneAm, tz)).toEqual({ action: 'delete', dueAt: oneAm });
  });

  it('workspace: 29 days 23 h before 01:00 stays; 30 days before goes', () => {
    const stays = new Date(oneAm.getTime() - (29 * DAY + 23 * HOUR));
    expect(decideRetention('workspace', stays, oneAm, tz).action).toBe('keep');
    const goes = new Date(oneAm.getTime() - 30 * DAY);
    expect(decideRetention('workspace', goes, oneAm, tz).action).toBe('delete');
  });

  it('a late (catch-up) run deletes what was due by the last 01:00, nothing due later', () => {
    const late = new Date(oneAm.getTime() + 8 * HOUR); // 09:00 JST
    expect(decideRetention('room', new Date(oneAm.getTime() - DAY), late, tz).action).toBe('delete');
    expect(decideRetention('room', new Date(oneAm.getTime() - DAY + HOUR), late, tz).action).toBe('keep');
  });

  it('uses the time zone the workspace has at evaluation time', () => {
    // Last message 2026-03-10T12:00Z. In Tokyo: due 03-11T16:00Z. In Los Angeles: due 03-12T08:00Z.
    const last = at('2026-03-10T12:00:00Z');
    const now = at('2026-03-11T20:00:00Z');
    expect(decideRetention('room', last, now, 'Asia/Tokyo').action).toBe('delete');
    // The workspace moved to Los Angeles before the run: its 01:00 has not come yet.
    expect(decideRetention('room', last, now, 'America/Los_Angeles')).toEqual({
      action: 'keep',
      dueAt: at('2026-03-12T08:00:00Z'),
    });
  });

  it('rejects an invalid date and an unknown zone', () => {
    expect(() => purgeDueAt('room', new Date(Number.NaN), tz)).toThrow(TypeError);
    expect(() => purgeDueAt('room', oneAm, 'Mars/Olympus')).toThrow(RangeError);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(isValidTimeZone('Europe/London')).toBe(true);
  });
});

describe('lastPurgeHourAtOrBefore', () => {
  it('is the same night at 01:00 and after, the previous night before it', () => {
    const oneAm = at('2026-03-11T16:00:00Z');
    expect(lastPurgeHourAtOrBefore(oneAm, 'Asia/Tokyo')).toEqual(oneAm);
    expect(lastPurgeHourAtOrBefore(new Date(oneAm.getTime() + 5 * HOUR), 'Asia/Tokyo')).toEqual(oneAm);
    expect(lastPurgeHourAtOrBefore(new Date(oneAm.getTime() - 1), 'Asia/Tokyo')).toEqual(
      new Date(oneAm.getTime() - DAY),
    );
  });

  it('handles the London gap', () => {
    expect(iso(lastPurgeHourAtOrBefore(at('2026-03-29T03:00:00Z'), 'Europe/London'))).toBe(
      '2026-03-29T01:00:00.000Z',
    );
  });
});
