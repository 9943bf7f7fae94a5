/**
 * When to try again to start a mediasoup worker after `failures` failed starts in a row (1 = the first
 * failure): exponential from 250 ms, doubling, capped at 30 s, with "equal jitter" so that several pools
 * (or workers) that failed together do not retry in lockstep. Pure: `random` in [0, 1) comes in as a
 * parameter; the pool schedules the retry.
 */
export function respawnDelayMs(failures: number, random: number = Math.random()): number {
  if (!Number.isInteger(failures) || failures < 1) throw new TypeError('failures must be a positive integer');
  const ceiling = Math.min(RESPAWN_MAX_MS, RESPAWN_BASE_MS * 2 ** Math.min(failures - 1, 20));
  const r = Math.min(Math.max(random, 0), 1);
  return Math.round(ceiling / 2 + (ceiling / 2) * r);
}

export const RESPAWN_BASE_MS = 250;
export const RESPAWN_MAX_MS = 30_000;
