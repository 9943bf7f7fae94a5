/**
 * Senders encode only the simulcast layers someone watches (LiveKit calls this dynacast). A camera starts
 * with its lowest layer only — the first picture after a join or a server restart is small, cheap to
 * encode and quick to decode — and its sender is told to add layers as viewers' tiles grow.
 */

import { CAMERA_START_LAYER } from '@tsudoi/protocol';

/** The layer a camera is produced with, and every new consumer's preferred layer until its tile reports. */
export const START_LAYER = CAMERA_START_LAYER;

/** What one viewer of a camera wants: its consumer's preferred spatial layer, and whether it is paused. */
export interface ViewerWant {
  paused: boolean;
  spatialLayer: number | undefined;
}

/**
 * The highest simulcast layer the sender must encode: the most any unpaused viewer prefers. With no
 * viewer (or only hidden tiles) the lowest layer keeps running, so a new viewer gets a picture at once.
 */
export function layerToSend(viewers: readonly ViewerWant[]): number {
  let layer = START_LAYER;
  for (const v of viewers) if (!v.paused) layer = Math.max(layer, v.spatialLayer ?? START_LAYER);
  return layer;
}
