/** One reading of a remote stream's receiver stats (the parts connection quality is judged on). */
export interface InboundSample {
  packetsReceived: number;
  packetsLost: number;
  /** Inter-arrival jitter, seconds. */
  jitter: number;
  /** Round trip to the media server on the selected candidate pair, seconds (undefined = not known yet). */
  rtt: number | undefined;
}

/** What a tile shows: `unknown` until two readings with packets in between exist. */
export type TileQuality = 'good' | 'fair' | 'poor' | 'unknown';

/** Limits for "good" and "fair" (past "fair" is "poor"); loss as a fraction of the packets sent. */
export const QUALITY_LIMITS = {
  good: { loss: 0.02, rtt: 0.3, jitter: 0.03 },
  fair: { loss: 0.08, rtt: 0.6, jitter: 0.1 },
} as const;

/**
 * The connection quality between two readings of the same receiver: packet loss in between, plus the
 * latest jitter and round trip. Pure; the tile polls getStats and applies it.
 */
export function qualityBetween(prev: InboundSample | undefined, next: InboundSample): TileQuality {
  if (!prev) return 'unknown';
  const received = next.packetsReceived - prev.packetsReceived;
  const lost = Math.max(0, next.packetsLost - prev.packetsLost);
  // Nothing arrived (a muted microphone, a paused camera, a counter reset): nothing to judge on.
  if (received <= 0) return 'unknown';
  const loss = lost / (received + lost);
  const within = (l: { loss: number; rtt: number; jitter: number }) =>
    loss <= l.loss && next.jitter <= l.jitter && (next.rtt === undefined || next.rtt <= l.rtt);
  if (within(QUALITY_LIMITS.good)) return 'good';
  if (within(QUALITY_LIMITS.fair)) return 'fair';
  return 'poor';
}

type StatsLike = { forEach(fn: (s: Record<string, unknown>) => void): void };

/** Reads an {@link InboundSample} out of an RTCStatsReport of one receiver; undefined if it has no inbound-rtp. */
export function sampleOf(report: StatsLike): InboundSample | undefined {
  let inbound: Record<string, unknown> | undefined;
  let rtt: number | undefined;
  report.forEach((s) => {
    if (s.type === 'inbound-rtp') inbound = s;
    if (s.type === 'candidate-pair' && (s.nominated || s.state === 'succeeded')) {
      const value = s.currentRoundTripTime;
      if (typeof value === 'number') rtt = value;
    }
  });
  if (!inbound) return undefined;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  return {
    packetsReceived: num(inbound.packetsReceived),
    packetsLost: num(inbound.packetsLost),
    jitter: num(inbound.jitter),
    rtt,
  };
}
