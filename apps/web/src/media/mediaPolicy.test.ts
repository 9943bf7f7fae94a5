import { describe, expect, it } from 'vitest';
import {
  CAMERA_ENCODINGS,
  CAMERA_FPS,
  cameraEncodingsUpTo,
  canShareScreen,
  layerForTileHeight,
  rejoinDelayMs,
  shouldRetryRequest,
} from './mediaPolicy';

describe('media policy', () => {
  it('picks the simulcast layer a tile needs and pauses hidden tiles', () => {
    expect(layerForTileHeight(0)).toBeNull();
    expect(layerForTileHeight(120)).toBe(0);
    expect(layerForTileHeight(300)).toBe(1);
    expect(layerForTileHeight(720)).toBe(2);
  });

  it('keeps a camera with a microphone within the 2 Mbps uplink of the plan', () => {
    const camera = CAMERA_ENCODINGS.reduce((sum, e) => sum + (e.maxBitrate ?? 0), 0);
    expect(CAMERA_ENCODINGS).toHaveLength(3);
    expect(camera + 64_000).toBeLessThanOrEqual(2_000_000);
    // Three remote top layers plus their audio fit the 6 Mbps downlink with room for a screen.
    expect(3 * ((CAMERA_ENCODINGS[2]?.maxBitrate ?? 0) + 64_000) + 1_200_000).toBeLessThanOrEqual(6_000_000);
  });

  it('runs the layers viewers take, keeps the next one warm (slow and capped) and the rest off', () => {
    const shape = (top: number) =>
      cameraEncodingsUpTo(top).map((e) => [e.rid, e.active, e.maxFramerate ?? null, e.maxBitrate]);
    expect(shape(0)).toEqual([
      ['r0', true, CAMERA_FPS, 150_000],
      ['r1', true, 5, 100_000],
      ['r2', false, null, 1_000_000],
    ]);
    expect(shape(1)).toEqual([
      ['r0', true, CAMERA_FPS, 150_000],
      ['r1', true, CAMERA_FPS, 400_000],
      ['r2', true, 5, 100_000],
    ]);
    expect(cameraEncodingsUpTo(2).every((e) => e.active && e.maxFramerate === CAMERA_FPS)).toBe(true);
    // Small tiles everywhere: the warm layer keeps a sender well under the 500 kbps goal (+ 64 kbps audio).
    const small = cameraEncodingsUpTo(0).filter((e) => e.active);
    expect(small.reduce((sum, e) => sum + (e.maxBitrate ?? 0), 0) + 64_000).toBeLessThanOrEqual(500_000);
  });

  it('has no warm layer in a camera’s first seconds: the taken layers only', () => {
    expect(cameraEncodingsUpTo(0, false).map((e) => [e.rid, e.active])).toEqual([
      ['r0', true],
      ['r1', false],
      ['r2', false],
    ]);
    expect(cameraEncodingsUpTo(1, false).map((e) => e.active)).toEqual([true, true, false]);
  });

  it('reports screen sharing unsupported without getDisplayMedia (iPad)', () => {
    expect(canShareScreen(undefined)).toBe(false);
    expect(canShareScreen({})).toBe(false);
    expect(canShareScreen({ getDisplayMedia: async () => ({}) as MediaStream })).toBe(true);
  });
});

describe('rejoinDelayMs', () => {
  it('grows from half a second and stays at 5 s, so a restarted server is retried within the 10 s promise', () => {
    expect([0, 1, 2, 3, 4, 10].map(rejoinDelayMs)).toEqual([500, 1000, 2000, 4000, 5000, 5000]);
  });
  it('retries requests nobody answered or that were rate limited, not refusals', () => {
    expect(shouldRetryRequest('UNAVAILABLE')).toBe(true);
    expect(shouldRetryRequest('RATE_LIMITED')).toBe(true);
    expect(shouldRetryRequest('NOT_FOUND')).toBe(false);
    expect(shouldRetryRequest('FORBIDDEN')).toBe(false);
  });
});
