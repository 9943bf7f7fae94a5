import { describe, expect, it } from 'vitest';
import { levelOfRms } from './useMicLevel';

describe('levelOfRms', () => {
  it('reads silence as 0 and full scale as 1', () => {
    expect(levelOfRms(0)).toBe(0);
    expect(levelOfRms(1)).toBe(1);
    expect(levelOfRms(2)).toBe(1);
  });

  it('moves the bar for ordinary speech levels (-30 dBFS is half way)', () => {
    expect(levelOfRms(10 ** (-30 / 20))).toBeCloseTo(0.5, 5);
    expect(levelOfRms(10 ** (-70 / 20))).toBe(0);
  });
});
