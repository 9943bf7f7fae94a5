import { describe, expect, it } from 'vitest';
import { nodeTimings } from './nodePolicy.js';
import { freshRooms } from './staleness.js';

describe('node timings', () => {
  it('a stopped node is declared gone no earlier than the grace period after its last heartbeat', () => {
    for (const grace of [300, 2_000, 15_000, 600_000]) {
      const { ttlMs, beatMs, sweepMs } = nodeTimings(grace);
      // The key was renewed at most one beat before the stop: it lapses at least `grace` after it.
      expect(ttlMs - beatMs).toBeGreaterThanOrEqual(grace);
      expect(beatMs).toBeLessThan(ttlMs);
      expect(sweepMs).toBeLessThanOrEqual(1_000);
    }
  });

  it('the default 15 s grace: beat every 3 s, people gone 15–19 s after a crash', () => {
    expect(nodeTimings(15_000)).toEqual({ ttlMs: 18_000, beatMs: 3_000, sweepMs: 1_000 });
  });
});

describe('fresh rooms (mirror ordering)', () => {
  it('takes a room state only when newer than the one shown, and records it', () => {
    const seqs = new Map([['r1', 5]]);
    expect(freshRooms(seqs, [{ id: 'r1' }, { id: 'r2' }], 4)).toEqual([{ id: 'r2' }]);
    expect(seqs.get('r2')).toBe(4);
    expect(freshRooms(seqs, [{ id: 'r1' }], 5)).toEqual([]);
    expect(freshRooms(seqs, [{ id: 'r1' }], 6)).toEqual([{ id: 'r1' }]);
    expect(seqs.get('r1')).toBe(6);
  });
});
