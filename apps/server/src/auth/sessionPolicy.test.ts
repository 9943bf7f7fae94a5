import { describe, expect, it } from 'vitest';
import { sessionEnd } from './sessionPolicy.js';

const t = { idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000 };
const signedIn = Date.parse('2026-01-01T00:00:00Z');
const s = { lastSeenAt: '2026-01-01T00:00:00Z', expiresAt: '2026-01-01T12:00:00Z' };

describe('sessionEnd', () => {
  it('is live before both limits', () => {
    expect(sessionEnd(s, signedIn + 29 * 60_000, t)).toBeUndefined();
  });
  it('ends after the idle timeout unless in use (an open socket)', () => {
    expect(sessionEnd(s, signedIn + 30 * 60_000, t)).toBe('idle');
    expect(sessionEnd(s, signedIn + 30 * 60_000, t, true)).toBeUndefined();
  });
  it('ends at the absolute expiry, in use or not', () => {
    expect(sessionEnd(s, signedIn + 12 * 3_600_000, t)).toBe('expired');
    expect(sessionEnd(s, signedIn + 12 * 3_600_000, t, true)).toBe('expired');
  });
});
