import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import type { MediaNetwork } from './mediaNetworkConfig.js';
import { checkIceSettings, iceSettingsFor, mintTurnCredential } from './turnCredentials.js';

const SECRET = 'north-wind-secret-4711';
const NEW_YEAR = Date.parse('2026-01-01T00:00:00Z'); // 1767225600 s
const net = (over: Partial<MediaNetwork> = {}): MediaNetwork => ({
  port: undefined,
  turn: { urls: ['turn:turn.example.com:3478?transport=tcp'], secret: SECRET, ttlSeconds: 3600 },
  forceRelay: false,
  ...over,
});

/** What coturn does with `use-auth-secret`: the expiry is the username's prefix, the key its HMAC. */
function coturnAccepts(username: string, credential: string, secret: string, nowMs: number): boolean {
  const expiry = Number(username.split(':')[0]);
  const expected = createHmac('sha1', secret).update(username).digest('base64');
  return expected === credential && expiry * 1000 > nowMs;
}

describe('TURN REST credentials (issue 14)', () => {
  it('matches a vector computed by hand (openssl dgst -sha1 -hmac … | base64)', () => {
    const c = mintTurnCredential({ secret: SECRET, ttlSeconds: 3600 }, 'u-alice', NEW_YEAR);
    expect(c).toEqual({
      username: '1767229200:u-alice',
      credential: 'GbNNFHOHBiop1SLpyVFE72kYnY4=',
      expiresAt: 1767229200,
    });
    expect(createHmac('sha1', SECRET).update(c.username).digest('base64')).toBe(c.credential);
  });

  it('is valid until TURN_TTL has passed, then expired', () => {
    const c = mintTurnCredential({ secret: SECRET, ttlSeconds: 600 }, 'u-bob', NEW_YEAR);
    expect(coturnAccepts(c.username, c.credential, SECRET, NEW_YEAR + 599_000)).toBe(true);
    expect(coturnAccepts(c.username, c.credential, SECRET, NEW_YEAR + 600_000)).toBe(false);
    // Another secret (a wrong TURN_SECRET) never verifies; nor does a username edited to live longer.
    expect(coturnAccepts(c.username, c.credential, 'another-secret-of-16+', NEW_YEAR)).toBe(false);
    const extended = c.username.replace(/^\d+/, String(c.expiresAt + 86_400));
    expect(coturnAccepts(extended, c.credential, SECRET, NEW_YEAR)).toBe(false);
  });

  it('hands clients the TURN URLs with a credential naming the user, relay-only only when forced', () => {
    const ice = iceSettingsFor(net(), 'u-carol', NEW_YEAR);
    expect(ice.iceTransportPolicy).toBe('all');
    expect(ice.iceServers).toHaveLength(1);
    expect(ice.iceServers![0]!.urls).toEqual(['turn:turn.example.com:3478?transport=tcp']);
    expect(ice.iceServers![0]!.username).toBe('1767229200:u-carol');
    expect(iceSettingsFor(net({ forceRelay: true }), 'u-carol', NEW_YEAR).iceTransportPolicy).toBe('relay');
    // No TURN configured: nothing (the client keeps its defaults).
    expect(iceSettingsFor(net({ turn: undefined }), 'u-carol', NEW_YEAR)).toEqual({});
  });

  it("gives the anonymous connection check a random name and the check's lifetime, not TURN_TTL", () => {
    const a = checkIceSettings(net(), 120_000, NEW_YEAR).iceServers![0]!;
    const b = checkIceSettings(net(), 120_000, NEW_YEAR).iceServers![0]!;
    expect(a.username).toMatch(/^1767225720:check-[A-Za-z0-9_-]{12}$/);
    expect(a.username).not.toBe(b.username);
    expect(coturnAccepts(a.username, a.credential, SECRET, NEW_YEAR + 119_000)).toBe(true);
    expect(coturnAccepts(a.username, a.credential, SECRET, NEW_YEAR + 120_000)).toBe(false);
    expect(checkIceSettings(net({ turn: undefined }), 120_000, NEW_YEAR)).toEqual({});
  });
});

describe('media network settings (RTC_PORT, TURN_*, MEDIA_FORCE_RELAY)', () => {
  const problemsOf = (env: Record<string, string>): string[] => {
    try {
      loadConfig(env);
      return [];
    } catch (err) {
      return (err as { problems: string[] }).problems;
    }
  };
  const TURN = { TURN_URLS: 'turn:127.0.0.1:3478?transport=tcp', TURN_SECRET: SECRET };

  it('without them: per-transport ports, no TURN', () => {
    const m = loadConfig({}).media;
    expect(m.port).toBeUndefined();
    expect(m.turn).toBeUndefined();
    expect(m.forceRelay).toBe(false);
  });

  it('reads RTC_PORT and TURN with a one-hour default lifetime', () => {
    const m = loadConfig({
      RTC_PORT: '40000',
      MEDIA_WORKERS: '4',
      TURN_URLS: 'turn:turn.example.com:3478?transport=tcp, turns:turn.example.com:443?transport=tcp',
      TURN_SECRET: SECRET,
    }).media;
    expect(m.port).toBe(40000);
    expect(m.turn).toEqual({
      urls: ['turn:turn.example.com:3478?transport=tcp', 'turns:turn.example.com:443?transport=tcp'],
      secret: SECRET,
      ttlSeconds: 3600,
    });
    expect(loadConfig({ ...TURN, TURN_TTL: '600' }).media.turn?.ttlSeconds).toBe(600);
  });

  it('refuses ports past 65535, bad URLs, half a TURN setup, short secrets and odd lifetimes', () => {
    expect(problemsOf({ RTC_PORT: '65535', MEDIA_WORKERS: '2' })).toEqual([
      expect.stringMatching(/^RTC_PORT: .*past 65535/),
    ]);
    expect(problemsOf({ RTC_PORT: '0' })).toEqual([expect.stringMatching(/^RTC_PORT:/)]);
    expect(problemsOf({ ...TURN, TURN_URLS: 'http://turn.example.com' })).toEqual([
      expect.stringMatching(/^TURN_URLS:/),
    ]);
    expect(problemsOf({ TURN_URLS: TURN.TURN_URLS })).toEqual([
      expect.stringMatching(/^TURN_SECRET: required/),
    ]);
    expect(problemsOf({ TURN_SECRET: SECRET })).toEqual([expect.stringMatching(/^TURN_URLS: required/)]);
    expect(problemsOf({ ...TURN, TURN_SECRET: 'short' })).toEqual([
      expect.stringMatching(/^TURN_SECRET: must be at least 16/),
    ]);
    expect(problemsOf({ ...TURN, TURN_TTL: '30' })).toEqual([expect.stringMatching(/^TURN_TTL:/)]);
    expect(problemsOf({ ...TURN, TURN_TTL: '86401' })).toEqual([expect.stringMatching(/^TURN_TTL:/)]);
  });

  it('allows relay-only ICE for tests and diagnosis, never in production or without TURN', () => {
    expect(loadConfig({ ...TURN, MEDIA_FORCE_RELAY: '1', NODE_ENV: 'test' }).media.forceRelay).toBe(true);
    const prod = problemsOf({
      ...TURN,
      MEDIA_FORCE_RELAY: '1',
      NODE_ENV: 'production',
      MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
    });
    expect(prod).toEqual([expect.stringMatching(/^MEDIA_FORCE_RELAY: not allowed with NODE_ENV=production/)]);
    expect(problemsOf({ MEDIA_FORCE_RELAY: '1' })).toEqual([
      expect.stringMatching(/^MEDIA_FORCE_RELAY: needs TURN_URLS/),
    ]);
    expect(problemsOf({ ...TURN, MEDIA_FORCE_RELAY: 'yes' })).toEqual([
      expect.stringMatching(/^MEDIA_FORCE_RELAY: must be 0 or 1/),
    ]);
  });
});
