import { describe, expect, it } from 'vitest';
import { RESPAWN_BASE_MS, RESPAWN_MAX_MS, respawnDelayMs } from './respawnPolicy.js';

describe('respawnDelayMs', () => {
  it('backs off exponentially from the base, within [ceiling/2, ceiling]', () => {
    const low = [1, 2, 3, 4].map((n) => respawnDelayMs(n, 0));
    const high = [1, 2, 3, 4].map((n) => respawnDelayMs(n, 0.999999));
    expect(low).toEqual([125, 250, 500, 1000]);
    expect(high).toEqual([RESPAWN_BASE_MS, 500, 1000, 2000]);
  });

  it('never waits longer than the cap, however many failures', () => {
    expect(respawnDelayMs(8, 1)).toBe(RESPAWN_MAX_MS);
    expect(respawnDelayMs(1000, 1)).toBe(RESPAWN_MAX_MS);
    expect(respawnDelayMs(1000, 0)).toBe(RESPAWN_MAX_MS / 2);
  });

  it('refuses a nonsensical failure count', () => {
    expect(() => respawnDelayMs(0)).toThrow(TypeError);
    expect(() => respawnDelayMs(1.5)).toThrow(TypeError);
  });
});
