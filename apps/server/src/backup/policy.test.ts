import { describe, expect, it } from 'vitest';
import { generationId, generationsToPrune, generationTime, isBackupDue } from './policy.js';

const H = 3_600_000;

describe('backup policy (R20)', () => {
  it('generation names round-trip and sort in time order', () => {
    const a = new Date(Date.UTC(2026, 8, 30, 23, 59, 59, 5));
    const b = new Date(Date.UTC(2026, 9, 1, 0, 0, 0, 0));
    expect(generationTime(generationId(a))).toEqual(a);
    expect([generationId(b), generationId(a)].sort()).toEqual([generationId(a), generationId(b)]);
    expect(generationTime('2026-12-02T03-48-00-123Z.partial')).toBeUndefined();
    expect(generationTime('../etc')).toBeUndefined();
  });

  it('prunes the oldest beyond keep and ignores names that are not generations', () => {
    const ids = [0, 1, 2, 3, 4, 5].map((d) => generationId(new Date(Date.UTC(2026, 0, 1 + d))));
    expect(generationsToPrune([...ids, 'notes.txt', '.lock'].reverse(), 5)).toEqual([ids[0]]);
    expect(generationsToPrune(ids, 6)).toEqual([]);
    expect(() => generationsToPrune(ids, 0)).toThrow(RangeError);
  });

  it('is due with no backup, or 24 h after the last one (an hourly check does not drift)', () => {
    const last = new Date(Date.UTC(2026, 0, 1, 3, 17, 0, 500));
    expect(isBackupDue(undefined, last)).toBe(true);
    expect(isBackupDue(last, new Date(last.getTime() + 23 * H))).toBe(false);
    // The next day's 03:17 check, half a second short of 24 h, runs it.
    expect(isBackupDue(last, new Date(last.getTime() + 24 * H - 500))).toBe(true);
  });
});
