import { describe, expect, it } from 'vitest';
import { layerToSend, START_LAYER } from './senderLayers.js';

describe('layerToSend', () => {
  it('is the most any unpaused viewer prefers', () => {
    expect(
      layerToSend([
        { paused: false, spatialLayer: 1 },
        { paused: false, spatialLayer: 0 },
      ]),
    ).toBe(1);
    expect(
      layerToSend([
        { paused: false, spatialLayer: 2 },
        { paused: false, spatialLayer: 1 },
      ]),
    ).toBe(2);
  });

  it('ignores hidden tiles (paused consumers)', () => {
    expect(
      layerToSend([
        { paused: true, spatialLayer: 2 },
        { paused: false, spatialLayer: 1 },
      ]),
    ).toBe(1);
  });

  it('keeps the lowest layer with no viewer, only hidden ones, or viewers that have not reported', () => {
    expect(layerToSend([])).toBe(START_LAYER);
    expect(layerToSend([{ paused: true, spatialLayer: 2 }])).toBe(START_LAYER);
    expect(layerToSend([{ paused: false, spatialLayer: undefined }])).toBe(START_LAYER);
  });
});
