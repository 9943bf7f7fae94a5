import { describe, expect, it } from 'vitest';
import {
  bannerWindows,
  lastWeekdayOfMonth,
  mergeWindows,
  roomNoticesDue,
  scheduledWindow,
  scheduledWindows,
  type WindowLike,
  zonedInstant,
} from './maintenancePolicy.js';

const DAY = 86_400_000;

describe('maintenance schedule (R21: monthly, last Wednesday 20:00–08:00 Japan time)', () => {
  it('finds the last Wednesday in edge months', () => {
    expect(lastWeekdayOfMonth(2027, 3, 3)).toBe(31); // the month ends on a Wednesday
    expect(lastWeekdayOfMonth(2026, 12, 3)).toBe(30); // ends on a Thursday
    expect(lastWeekdayOfMonth(2028, 2, 3)).toBe(23); // leap February ending on Tuesday: six days back
    expect(lastWeekdayOfMonth(2026, 2, 3)).toBe(25); // 28-day February
  });

  it('runs 20:00–08:00 Japan time, crossing into the next month and the next year', () => {
    expect(scheduledWindow(2027, 3)).toEqual({
      id: 'schedule-2027-03',
      startsAt: '2027-03-31T11:00:00.000Z', // 20:00 JST
      endsAt: '2027-03-31T23:00:00.000Z', // 08:00 JST on April 1
      source: 'schedule',
    });
    const newYear = scheduledWindow(2025, 12); // Wednesday 31 December 2025
    expect(newYear.startsAt).toBe('2025-12-31T11:00:00.000Z');
    expect(newYear.endsAt).toBe('2025-12-31T23:00:00.000Z'); // 08:00 JST, 1 January 2026
  });

  it('converts wall-clock time in a zone with daylight saving', () => {
    expect(zonedInstant(2026, 3, 8, 20, 'America/New_York').toISOString()).toBe('2026-03-09T00:00:00.000Z'); // EDT
    expect(zonedInstant(2026, 1, 28, 20, 'America/New_York').toISOString()).toBe('2026-01-29T01:00:00.000Z'); // EST
  });

  it('lists the windows of a range, including one that started in the previous month', () => {
    const ids = scheduledWindows(new Date('2026-01-01T00:00:00Z'), new Date('2026-04-01T00:00:00Z')).map(
      (w) => w.id,
    );
    expect(ids).toEqual(['schedule-2026-01', 'schedule-2026-02', 'schedule-2026-03']);
    // 2025-12-31 20:00 JST to 2026-01-01 08:00 JST is still going on at 2026-01-01 00:00 JST.
    const during = scheduledWindows(new Date('2025-12-31T15:00:00Z'), new Date('2025-12-31T16:00:00Z'));
    expect(during.map((w) => w.id)).toEqual(['schedule-2025-12']);
  });

  it('shows the banner days ahead and while in progress, not before, not after, not when cancelled', () => {
    const w = scheduledWindow(2026, 12); // 2026-12-30T11:00Z
    const start = Date.parse(w.startsAt);
    expect(bannerWindows([w], new Date(start - 3 * DAY - 1000), 3)).toEqual([]);
    expect(bannerWindows([w], new Date(start - 3 * DAY + 1000), 3)).toEqual([w]);
    expect(bannerWindows([w], new Date(start + 3_600_000), 3)).toEqual([w]);
    expect(bannerWindows([w], new Date(Date.parse(w.endsAt)), 3)).toEqual([]);
    expect(bannerWindows([{ ...w, cancelledAt: '2026-12-01T00:00:00Z' }], new Date(start - 1000), 3)).toEqual(
      [],
    );
  });

  it('a room notice is due within the last minutes before the start only', () => {
    const w = scheduledWindow(2026, 12);
    const start = Date.parse(w.startsAt);
    expect(roomNoticesDue([w], new Date(start - 11 * 60_000), 10)).toEqual([]);
    expect(roomNoticesDue([w], new Date(start - 10 * 60_000), 10)).toEqual([w]);
    expect(roomNoticesDue([w], new Date(start), 10)).toEqual([]);
  });

  it('a stored cancellation replaces the scheduled window; operator windows join the list', () => {
    const from = new Date('2026-12-01T00:00:00Z');
    const to = new Date('2027-01-01T00:00:00Z');
    const sched = scheduledWindows(from, to);
    const extra: WindowLike = {
      id: 'op-1',
      startsAt: '2026-12-10T13:00:00.000Z',
      endsAt: '2026-12-10T14:00:00.000Z',
      source: 'operator',
    };
    const cancelled = { ...(sched[0] as WindowLike), cancelledAt: '2026-12-02T00:00:00.000Z' };
    expect(mergeWindows(sched, [extra], from, to).map((w) => w.id)).toEqual(['op-1', 'schedule-2026-12']);
    expect(mergeWindows(sched, [extra, cancelled], from, to).map((w) => w.id)).toEqual(['op-1']);
    expect(mergeWindows(sched, [cancelled], from, to, true)).toEqual([cancelled]);
  });
});
