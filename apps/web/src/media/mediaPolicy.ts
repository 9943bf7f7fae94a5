import type { RtpEncodingParameters } from 'mediasoup-client/types';

// Bandwidth plan (R4: a 4-person talk within 2 Mbps up / 6 Mbps down per participant):
// up = camera 0.15 + 0.4 + 1.0 Mbps + Opus ≈ 1.6 Mbps; down = 3 × top layer + audio ≈ 3.2 Mbps, leaving room
// for a screen share. The SFU caps each sender at 2 Mbps, so a camera plus a screen drops the top layer.

/** VP8 simulcast for cameras: three layers so each viewer gets the one its tile needs. */
export const CAMERA_ENCODINGS: RtpEncodingParameters[] = [
  { rid: 'r0', scaleResolutionDownBy: 4, maxBitrate: 150_000, scalabilityMode: 'L1T3' },
  { rid: 'r1', scaleResolutionDownBy: 2, maxBitrate: 400_000, scalabilityMode: 'L1T3' },
  { rid: 'r2', scaleResolutionDownBy: 1, maxBitrate: 1_000_000, scalabilityMode: 'L1T3' },
];

/** A camera's frame rate for the layers its viewers take. */
export const CAMERA_FPS = 30;
/**
 * The layer just above the ones viewers take keeps running, slowly (dynacast, issue 14): a layer switched on
 * from nothing waited 1.7–2 s for its first bytes (Chromium's bandwidth estimate, kept low while only the
 * lower layers flowed, held it back), while a running one is there for the SFU to switch a growing tile to at
 * once. At 5 fps and at most 100 kbps it adds little upstream (the small-tile goal is ≤ 500 kbps).
 */
export const WARM_LAYER_FPS = 5;
export const WARM_LAYER_MAX_BITRATE = 100_000;
/**
 * A camera's first seconds run without the warm layer: a warm layer set from the start (at produce, or
 * within the first second when the viewers' word comes) sometimes stalled the whole camera for 8–12 s after
 * a server restart (media-restart.spec: 5 of ~100 restarts with it, 0 of 50 without; the receivers got 4
 * frames in 8 s). Enlarging a tile happens later in a talk, where the warm layer is what makes it quick.
 */
export const WARM_LAYER_AFTER_MS = 4_000;

/**
 * The camera's encodings when viewers take layers 0…`top`: those at full rate, the next one warm (slow,
 * capped) unless `warm` is false, the rest off.
 */
export function cameraEncodingsUpTo(top: number, warm = true): RtpEncodingParameters[] {
  return CAMERA_ENCODINGS.map((e, i) => {
    if (i <= top) return { ...e, active: true, maxFramerate: CAMERA_FPS };
    if (i > top + 1 || !warm) return { ...e, active: false };
    const maxBitrate = Math.min(e.maxBitrate ?? WARM_LAYER_MAX_BITRATE, WARM_LAYER_MAX_BITRATE);
    return { ...e, active: true, maxFramerate: WARM_LAYER_FPS, maxBitrate };
  });
}

/** A screen is one sharp layer: text must stay readable, motion may stutter. */
export const SCREEN_ENCODINGS: RtpEncodingParameters[] = [{ maxBitrate: 1_200_000 }];

/** The simulcast layer a tile of this height (CSS pixels) needs; null = not shown, pause it. */
export function layerForTileHeight(heightPx: number): 0 | 1 | 2 | null {
  if (heightPx <= 0) return null;
  if (heightPx < 200) return 0;
  if (heightPx < 400) return 1;
  return 2;
}

/** Screen sharing needs getDisplayMedia, which iPad browsers lack (R4: feature-detect and say so). */
export function canShareScreen(devices: Partial<MediaDevices> | undefined): boolean {
  return typeof devices?.getDisplayMedia === 'function';
}

/**
 * How long to wait before joining a room's media again after the join failed or a stream could not be
 * set up, by failures in a row: 0.5, 1, 2, 4 s, then every 5 s — quick enough for the 10 s restart
 * promise (R21), slow enough not to hammer a server that is still starting.
 */
export function rejoinDelayMs(failures: number): number {
  return Math.min(5_000, 500 * 2 ** Math.max(0, failures));
}

/** How often a consumer's resume is sent before the join starts over. */
export const RESUME_ATTEMPTS = 3;

/** Request failures worth sending again as they are: no answer (a busy or restarting server), rate limited. */
export function shouldRetryRequest(code: string | undefined): boolean {
  return code === 'UNAVAILABLE' || code === 'RATE_LIMITED';
}
