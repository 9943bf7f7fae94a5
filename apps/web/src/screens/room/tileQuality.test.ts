import { describe, expect, it } from 'vitest';
import { type InboundSample, qualityBetween, sampleOf } from './tileQuality';

const at = (packetsReceived: number, packetsLost = 0, jitter = 0.005, rtt: number | undefined = 0.02) =>
  ({ packetsReceived, packetsLost, jitter, rtt }) satisfies InboundSample;

describe('qualityBetween', () => {
  it('is unknown with a single reading', () => {
    expect(qualityBetween(undefined, at(100))).toBe('unknown');
  });

  it('is unknown when nothing arrived in between (muted, paused)', () => {
    expect(qualityBetween(at(100), at(100))).toBe('unknown');
  });

  it('is good with no loss, small jitter and a short round trip', () => {
    expect(qualityBetween(at(100), at(200))).toBe('good');
  });

  it('is fair with 5 % loss, poor with 20 % loss', () => {
    expect(qualityBetween(at(100, 0), at(195, 5))).toBe('fair');
    expect(qualityBetween(at(100, 0), at(180, 20))).toBe('poor');
  });

  it('judges on a long round trip and high jitter even without loss', () => {
    expect(qualityBetween(at(100), at(200, 0, 0.005, 0.45))).toBe('fair');
    expect(qualityBetween(at(100), at(200, 0, 0.005, 1.2))).toBe('poor');
    expect(qualityBetween(at(100), at(200, 0, 0.2))).toBe('poor');
  });

  it('ignores a loss counter that went down (duplicates counted back)', () => {
    expect(qualityBetween(at(100, 10), at(200, 8))).toBe('good');
  });
});

describe('sampleOf', () => {
  const report = (entries: Array<Record<string, unknown>>) => ({
    forEach: (fn: (s: Record<string, unknown>) => void) => entries.forEach(fn),
  });

  it('reads inbound-rtp counters and the nominated pair’s round trip', () => {
    const sample = sampleOf(
      report([
        { type: 'inbound-rtp', packetsReceived: 50, packetsLost: 2, jitter: 0.01 },
        { type: 'candidate-pair', nominated: true, currentRoundTripTime: 0.04 },
      ]),
    );
    expect(sample).toEqual({ packetsReceived: 50, packetsLost: 2, jitter: 0.01, rtt: 0.04 });
  });

  it('is undefined for a report without inbound-rtp', () => {
    expect(sampleOf(report([{ type: 'transport' }]))).toBeUndefined();
  });
});
